/**
 * Purging a CDN when the cache invalidates: the `purger` option of `createCache`. The instance
 * that invalidates purges (bus receivers do not: they only drop their L1 copies), by the
 * surrogate keys the HTTP glue put on the responses. A purge never fails the invalidation and
 * delays it by at most `timeout`: a failed attempt is retried in the background with
 * exponential backoff, from a bounded queue whose oldest entries are merged when it is full.
 */

import type { CacheEvents } from '../engine/events.js';
import { InvalidOptionError, PurgeError } from '../errors.js';
import { numberOption, optionKeys, optionsObject, received } from '../options/validate.js';
import { warnOnce } from '../warn.js';
import { baseKeySurrogateKey, tagSurrogateKey } from './surrogate-keys.js';

/**
 * Removes every CDN object filed under any of `keys` (surrogate keys). It should honour
 * `signal` (aborted at the purge's `timeout`); resolving means the CDN accepted the purge.
 * Any `(keys) => Promise<void>` is a purger; routecache ships `varnishPurger`, `fastlyPurger`
 * and `cloudflarePurger` in `@routecache/core/cdn`.
 *
 * @example
 * ```ts
 * const purger: Purger = async (keys) => {
 *   await myCdn.purgeTags(keys);
 * };
 * createCache({ purger });
 * ```
 */
export type Purger = (keys: string[], signal: AbortSignal) => Promise<void>;

/**
 * A {@link Purger} with its timing. Defaults: each attempt gets 2 s; a failed purge is retried
 * 6 times after 0.5, 1, 2, 4, 8 and 16 s (about 45 s in all with the timeouts); at most 100
 * purges wait for a retry — past that the two oldest are merged into one.
 *
 * @example
 * ```ts
 * createCache({ purger: { purge: varnishPurger({ hosts: ['http://127.0.0.1:6081'] }), timeout: 500 } });
 * ```
 */
export interface PurgerOptions {
  purge: Purger;
  /** Budget of one attempt, milliseconds; the invalidation waits for the first at most this long. @default 2000 */
  timeout?: number;
  /** Retries after a failed first attempt. @default 6 */
  retries?: number;
  /** Delay before the first retry, milliseconds; doubled for each next one. @default 500 */
  backoff?: number;
  /** Most purges waiting for a retry; when exceeded, the two oldest are merged. @default 100 */
  queueSize?: number;
}

const KNOWN = optionKeys<PurgerOptions>({
  purge: true,
  timeout: true,
  retries: true,
  backoff: true,
  queueSize: true,
});
const MS = { min: 0, aboveMin: true, unit: 'milliseconds' } as const;

/** A purge waiting for its next attempt. */
interface Pending {
  readonly keys: Set<string>;
  /** Attempts made so far. */
  attempts: number;
  dueAt: number;
}

/**
 * The cache's purges: one per invalidation, awaited up to `timeout`, retried in the background.
 *
 * @internal
 * @example
 * ```ts
 * const purges = createPurges(options.purger, events);
 * await purges?.tags(['users']); // never rejects
 * ```
 */
export class Purges {
  readonly #purge: Purger;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #queueSize: number;
  readonly #events: CacheEvents;
  /** Oldest first. */
  readonly #pending: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(options: Required<PurgerOptions>, events: CacheEvents) {
    this.#purge = options.purge;
    this.#timeoutMs = options.timeout;
    this.#retries = options.retries;
    this.#backoffMs = options.backoff;
    this.#queueSize = options.queueSize;
    this.#events = events;
  }

  /** Purge the responses of these base keys (every variant). */
  baseKeys(baseKeys: readonly string[]): Promise<void> {
    return this.keys(baseKeys.map(baseKeySurrogateKey));
  }

  /** Purge the responses carrying any of these tags. */
  tags(tags: readonly string[]): Promise<void> {
    return this.keys(tags.map(tagSurrogateKey));
  }

  /** Purge by surrogate keys: the first attempt now (awaited, bounded), retries later. */
  keys(keys: readonly string[]): Promise<void> {
    if (keys.length === 0 || this.#disposed) return Promise.resolve();
    return this.#attempt({ keys: new Set(keys), attempts: 0, dueAt: 0 });
  }

  /** Purges waiting for a retry. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Stop retrying; what waits is dropped. */
  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.length = 0;
  }

  async #attempt(job: Pending): Promise<void> {
    job.attempts++;
    const keys = [...job.keys];
    try {
      await this.#bounded(keys);
      if (this.#events.listening.purged > 0) {
        this.#events.emit('purged', { keys, attempts: job.attempts });
      }
    } catch (error) {
      const willRetry = job.attempts <= this.#retries && !this.#disposed;
      this.#report(error as PurgeError, job.attempts, willRetry);
      if (willRetry) this.#enqueue(job);
    }
  }

  /** One purger call within the timeout; rejects with a {@link PurgeError}. */
  #bounded(keys: string[]): Promise<void> {
    const controller = new AbortController();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        controller.abort();
        const problem = `CDN purge exceeded ${this.#timeoutMs} ms`;
        reject(new PurgeError('ROUTECACHE_PURGE_TIMEOUT', problem, keys));
      }, this.#timeoutMs);
      (timer as { unref?: () => void }).unref?.();
      // A purger that throws synchronously fails like one that rejects.
      new Promise<void>((run) => run(this.#purge(keys, controller.signal))).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (cause: unknown) => {
          clearTimeout(timer);
          reject(new PurgeError('ROUTECACHE_PURGE_FAILED', 'CDN purge failed', keys, { cause }));
        },
      );
    });
  }

  #report(error: PurgeError, attempts: number, willRetry: boolean): void {
    if (this.#events.listening.purgeError > 0) {
      this.#events.emit('purgeError', { error, keys: error.keys, attempts, willRetry });
      return;
    }
    warnOnce(
      'ROUTECACHE_PURGE_FAILED',
      `${error.message} (${String((error.cause as Error | undefined)?.message ?? error.code)}); retrying in the background — listen to the cache's "purgeError" event to see each failure`,
    );
  }

  #enqueue(job: Pending): void {
    job.dueAt = Date.now() + this.#backoffMs * 2 ** (job.attempts - 1);
    this.#pending.push(job);
    if (this.#pending.length > this.#queueSize) {
      // Merge the oldest into the next: no key is dropped, the merged purge keeps the retries
      // of whichever had more left and the earlier due time.
      const [oldest, next] = this.#pending.splice(0, 2) as [Pending, Pending];
      for (const key of oldest.keys) next.keys.add(key);
      next.attempts = Math.min(next.attempts, oldest.attempts);
      next.dueAt = Math.min(next.dueAt, oldest.dueAt);
      this.#pending.unshift(next);
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#pending.length === 0 || this.#disposed) return;
    const dueAt = Math.min(...this.#pending.map((job) => job.dueAt));
    this.#timer = setTimeout(() => this.#retryDue(), Math.max(0, dueAt - Date.now()));
    // Pending retries must not keep a process alive that is otherwise done.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #retryDue(): Promise<void> {
    this.#timer = undefined;
    const now = Date.now();
    const due = this.#pending.filter((job) => job.dueAt <= now);
    for (const job of due) this.#pending.splice(this.#pending.indexOf(job), 1);
    await Promise.all(due.map((job) => this.#attempt(job)));
    this.#schedule();
  }
}

/**
 * Validate the `purger` option once, at factory time.
 *
 * @internal
 * @throws {InvalidOptionError} naming `purger` or the nested option.
 * @example
 * ```ts
 * const purges = createPurges(options.purger, events); // undefined without a purger
 * ```
 */
export function createPurges(
  option: Purger | PurgerOptions | undefined,
  events: CacheEvents,
): Purges | undefined {
  if (option === undefined) return undefined;
  const options: PurgerOptions = typeof option === 'function' ? { purge: option } : option;
  optionsObject(options, KNOWN, 'purger');
  if (typeof options.purge !== 'function') {
    throw new InvalidOptionError(
      'purger.purge',
      `must be a function (keys, signal) => Promise<void>, ${received(options.purge)}`,
    );
  }
  return new Purges(
    {
      purge: options.purge,
      timeout: numberOption('purger.timeout', options.timeout, MS) ?? 2000,
      retries: numberOption('purger.retries', options.retries, { min: 0, integer: true }) ?? 6,
      backoff: numberOption('purger.backoff', options.backoff, MS) ?? 500,
      queueSize:
        numberOption('purger.queueSize', options.queueSize, { min: 1, integer: true }) ?? 100,
    },
    events,
  );
}
