import type { Cluster, Redis } from 'ioredis';
import { ignore, TIMED_OUT, withTimeout } from '../../async.js';
import { StoreError } from '../../errors.js';
import { warnOnce } from '../../warn.js';
import type { BusHandlers } from '../bus.js';
import { readEnvelope } from './bus-message.js';
import type { Guard } from './guard.js';
import { isCluster } from './options.js';

/** What a {@link BusSubscriber} listens with (resolved from the `redisBus` options). */
export interface SubscriberSettings {
  readonly channel: string;
  /** This instance's id: its own messages are not handed to its handlers. */
  readonly origin: string;
  /** PING period, ms; 0: no health check. */
  readonly healthCheckInterval: number;
  /** Budget and breaker of the PINGs (not the publishing guard's: see `redisBus`). */
  readonly healthGuard: Guard;
  readonly onInvalidMessage: ((error: StoreError) => void) | undefined;
}

/**
 * The bus's subscriber connection (`duplicate()` of the client): subscribes by hand on every
 * `ready` (so each live subscription, the first and every reconnect, calls the handlers'
 * `reconnected()`), validates and dispatches messages, and PINGs the connection to notice a
 * silent path.
 *
 * @example
 * ```ts
 * const subscriber = new BusSubscriber(client, settings, handlers);
 * subscriber.start();
 * await subscriber.whenLive(5_000);
 * ```
 */
export class BusSubscriber {
  readonly #client: Redis | Cluster;
  readonly #settings: SubscriberSettings;
  readonly #handlers: ReadonlySet<BusHandlers>;
  #connection: Redis | Cluster | undefined;
  #live = false;
  #lastError: unknown;
  #healthTimer: ReturnType<typeof setInterval> | undefined;
  /** Callers of `whenLive()` still waiting: settled with nothing (live) or an error. */
  readonly #waiting = new Set<(error?: StoreError) => void>();

  constructor(
    client: Redis | Cluster,
    settings: SubscriberSettings,
    handlers: ReadonlySet<BusHandlers>,
  ) {
    this.#client = client;
    this.#settings = settings;
    this.#handlers = handlers;
  }

  /** Open the subscriber connection, unless it is open. */
  start(): void {
    this.#connection ??= this.#connect();
  }

  /** Resolves once the subscription has been live; rejects after `timeoutMs` or on `close`. */
  whenLive(timeoutMs: number): Promise<void> {
    if (this.#live) return Promise.resolve();
    this.start();
    let settle: (error?: StoreError) => void = ignore;
    const subscribed = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
      this.#waiting.add(settle);
    });
    return withTimeout(subscribed, timeoutMs).then((live) => {
      if (live !== TIMED_OUT) return;
      this.#waiting.delete(settle);
      const { channel } = this.#settings;
      throw new StoreError(
        'ROUTECACHE_STORE_TIMEOUT',
        `Bus "redis-bus" not subscribed to "${channel}" within ${timeoutMs} ms`,
        {
          cause: this.#lastError,
          context: { store: 'redis-bus', channel, readyTimeout: timeoutMs },
        },
      );
    });
  }

  /** Close the connection; callers still waiting for it get `error`. */
  close(error: StoreError): void {
    this.#settleWaiting(error);
    clearInterval(this.#healthTimer);
    this.#healthTimer = undefined;
    this.#connection?.disconnect();
    this.#connection = undefined;
  }

  #connect(): Redis | Cluster {
    const client = this.#client;
    // Resubscribing by hand (not autoResubscribe) tells us when the channel is live again.
    const overrides = { autoResubscribe: false, enableOfflineQueue: true };
    const sub = isCluster(client) ? client.duplicate([], overrides) : client.duplicate(overrides);
    sub.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    sub.on('ready', () => {
      sub.subscribe(this.#settings.channel).then(
        () => this.#subscribed(),
        () => {
          // The connection dropped again; the next 'ready' retries.
        },
      );
    });
    // Runs inside ioredis' socket data handler: a throw here would be an uncaught exception.
    sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.#received(payload));
    if (this.#settings.healthCheckInterval > 0) this.#watch(sub);
    return sub;
  }

  /** The subscription is live — also after the first subscribe: whatever L1 took in before could have missed messages. */
  #subscribed(): void {
    this.#live = true;
    this.#settleWaiting();
    for (const h of this.#handlers) h.reconnected();
  }

  #received(payload: Buffer): void {
    const read = readEnvelope(payload);
    if (!read.ok) {
      this.#reportInvalid(read.problem, payload);
      return;
    }
    const { o, m } = read.envelope;
    if (o === this.#settings.origin) return;
    for (const h of this.#handlers) {
      try {
        h.message(m);
      } catch (error) {
        warnOnce(
          'ROUTECACHE_LISTENER_ERROR',
          `A redisBus message handler threw; the bus ignored it: ${String(error)}`,
          'redis-bus',
        );
      }
    }
  }

  #reportInvalid(problem: string, payload: Buffer): void {
    const { channel } = this.#settings;
    const error = new StoreError(
      'ROUTECACHE_BUS_MESSAGE_INVALID',
      `Bus "redis-bus" ignored a message on "${channel}": ${problem}`,
      {
        context: {
          store: 'redis-bus',
          channel,
          problem,
          bytes: payload.length,
          preview: payload.subarray(0, 64).toString('utf8'),
        },
      },
    );
    warnOnce(
      'ROUTECACHE_BUS_MESSAGE_INVALID',
      `${error.message} (something other than routecache publishes on this channel; later ones are reported through onInvalidMessage only)`,
      channel,
    );
    try {
      this.#settings.onInvalidMessage?.(error);
    } catch {
      // A throwing callback must not reach ioredis' data handler either.
    }
  }

  /** PING the subscriber every `healthCheckInterval`; reconnect it when the path went silent. */
  #watch(sub: Redis | Cluster): void {
    const { healthGuard, healthCheckInterval } = this.#settings;
    let pinging = false;
    this.#healthTimer = setInterval(() => {
      // 'connect' too: a handshake that stalls (the path went silent while reconnecting) would
      // otherwise wait forever. Other states are ioredis' own (re)connecting.
      const up = sub.status === 'ready' || sub.status === 'connect';
      if (pinging || !up || healthGuard.open) return;
      pinging = true;
      healthGuard
        .run('health check', () => sub.ping())
        .catch(() => {
          // The guard opens on a timeout it trusts (not a timer fired late by a blocked event
          // loop) or after `threshold` failures: the connection is dead though still open.
          // Dropping it makes ioredis reconnect, and the next SUBSCRIBE calls `reconnected()`.
          if (healthGuard.open && this.#connection === sub) sub.disconnect(true);
        })
        .finally(() => {
          pinging = false;
        });
    }, healthCheckInterval);
    // Never keeps the process alive on its own.
    this.#healthTimer.unref();
  }

  #settleWaiting(error?: StoreError): void {
    for (const settle of this.#waiting) settle(error);
    this.#waiting.clear();
  }
}
