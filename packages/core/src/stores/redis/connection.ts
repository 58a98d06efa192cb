import type { Cluster, Redis } from 'ioredis';
import { TIMED_OUT, withTimeout } from '../../async.js';
import { StoreError } from '../../errors.js';

/**
 * The connection of a Redis store: waiting for it to be ready, and telling the initial connect
 * from an outage.
 *
 * While a client makes its first connection (status `wait`, `connecting` or `connect`, within
 * `readyTimeoutMs` of the store's creation, or of first use for a lazyConnect client), calls wait for it within their budget, and one that runs
 * out of budget while waiting is no failure: the guard serves it as a miss without counting it
 * against the breaker or reporting an outage (see `Guard.run`'s `starting`). The initial connect
 * ends when the client is ready, when a connection attempt fails (`reconnecting`, `end`), or
 * after `readyTimeoutMs`; from then on, a client that is not ready is an outage.
 *
 * @internal
 * @example
 * ```ts
 * const connection = new StoreConnection(client, 5_000);
 * guard.run('get', () => connection.whenReady().then(get), MISS, connection.starting);
 * await connection.ready(); // rejects after 5 s without a connection
 * ```
 */
export class StoreConnection {
  readonly #client: Redis | Cluster;
  readonly #readyTimeoutMs: number;
  /** When the initial connect stops counting as such (a lazyConnect client: from first use). */
  #startingUntil: number | undefined;
  #started: boolean;
  #wait: Promise<void> | undefined;

  constructor(client: Redis | Cluster, readyTimeoutMs: number) {
    this.#client = client;
    this.#readyTimeoutMs = readyTimeoutMs;
    this.#started = isFirstConnect(client.status);
    if (!this.#started) return;
    // A lazyConnect client starts connecting on first use; any other is connecting now.
    if (client.status !== 'wait') this.#startingUntil = Date.now() + readyTimeoutMs;
    const ended = () => {
      this.#started = false;
      for (const [event, listener] of listeners) client.off(event, listener);
    };
    // Only these: an 'error' listener would change how ioredis reports errors of a user's client.
    const listeners = [
      ['ready', ended],
      ['reconnecting', ended],
      ['end', ended],
    ] as const;
    for (const [event, listener] of listeners) client.once(event, listener);
  }

  /** Whether the client is still making its first connection (see the class comment). */
  get starting(): boolean {
    if (!this.#started) return false;
    this.#startingUntil ??= Date.now() + this.#readyTimeoutMs;
    if (Date.now() < this.#startingUntil) return true;
    this.#started = false;
    return false;
  }

  /** Resolves once the client is ready; rejects if it ends first. Unbounded: callers bound it. */
  whenReady(): Promise<void> {
    const client = this.#client;
    if (client.status === 'ready') return Promise.resolve();
    this.#wait ??= new Promise<void>((resolve, reject) => {
      const onReady = () => {
        client.off('end', onEnd);
        resolve();
      };
      const onEnd = () => {
        client.off('ready', onReady);
        reject(
          new StoreError('ROUTECACHE_STORE_UNAVAILABLE', 'redisStore: the connection closed', {
            context: { store: 'redis', operation: 'ready' },
          }),
        );
      };
      client.once('ready', onReady);
      client.once('end', onEnd);
      // A lazyConnect client connects on its first command; waiting would never get there.
      if (client.status === 'wait') client.connect().catch(() => {});
    }).finally(() => {
      this.#wait = undefined;
    });
    return this.#wait;
  }

  /**
   * {@link whenReady} within `readyTimeoutMs`.
   *
   * @throws {StoreError} `ROUTECACHE_STORE_TIMEOUT` when not ready in time;
   * `ROUTECACHE_STORE_UNAVAILABLE` when the connection ends first.
   */
  ready(): Promise<void> {
    if (this.#client.status === 'ready') return Promise.resolve();
    const timeoutMs = this.#readyTimeoutMs;
    return withTimeout(this.whenReady(), timeoutMs).then((ready) => {
      if (ready !== TIMED_OUT) return;
      throw new StoreError(
        'ROUTECACHE_STORE_TIMEOUT',
        `redisStore: not connected within ${timeoutMs} ms`,
        { context: { store: 'redis', operation: 'ready', readyTimeout: timeoutMs } },
      );
    });
  }
}

/** Statuses of a client that has not connected yet and has not failed to either. */
function isFirstConnect(status: string): boolean {
  return status === 'wait' || status === 'connecting' || status === 'connect';
}
