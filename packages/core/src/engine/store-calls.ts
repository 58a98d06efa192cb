import { isPromiseLike, TIMED_OUT, withTimeout } from '../async.js';
import { StoreError } from '../errors.js';
import type { CacheStore } from '../stores/types.js';
import type { MaybePromise } from '../types.js';
import { warnOnce } from '../warn.js';
import type { CacheEvents } from './events.js';

/** What a guarded store call yields when the store failed or ran out of time. */
export const FAILED: unique symbol = Symbol('routecache.storeFailed');
export type Failed = typeof FAILED;

/**
 * Store calls that fail open: a throw, a rejection or a promise slower than `timeoutMs` yields
 * {@link FAILED} and a `storeError` event, never an exception and never a hang. Synchronous
 * answers come back synchronously, so the memory store's hit path allocates no promise.
 *
 * A `storeError` carries how long the failed call ran (`durationMs`), from a clock read when the
 * call started ({@link StoreCalls.start}); that read happens only while `storeError` is heard.
 *
 * @example
 * ```ts
 * const calls = new StoreCalls(store, 50, events);
 * const entry = calls.run('get', () => store.get(key)); // value, FAILED, or a promise of either
 * ```
 */
export class StoreCalls {
  readonly #store: CacheStore;
  /** Budget (ms) of one store call. */
  readonly timeoutMs: number;
  readonly #events: CacheEvents;
  /** The store bounds its own calls ({@link CacheStore.boundsCalls}): no timer of ours. */
  readonly #bounded: boolean;

  constructor(store: CacheStore, timeoutMs: number, events: CacheEvents) {
    this.#store = store;
    this.timeoutMs = timeoutMs;
    this.#events = events;
    this.#bounded = store.boundsCalls === true;
  }

  /**
   * The start of a store call, for its `storeError`'s `durationMs`: `performance.now()` while
   * `storeError` is heard, else `0` without reading the clock.
   */
  start(): number {
    return this.#events.startStoreCall();
  }

  /** Run one store operation, failing open. */
  run<T>(operation: string, call: () => MaybePromise<T>): T | Failed | Promise<T | Failed> {
    const started = this.start();
    let answer: MaybePromise<T>;
    try {
      answer = call();
    } catch (error) {
      this.fail(operation, error, 'ROUTECACHE_STORE_ERROR', started);
      return FAILED;
    }
    return isPromiseLike(answer) ? this.settle(operation, answer, started) : answer;
  }

  /**
   * Report a store failure: a `storeError` event, or a one-time warning when nobody listens
   * (a store outage must not go unnoticed). A store's own {@link StoreError} is reported as it
   * is, so its code says what happened (`ROUTECACHE_STORE_TIMEOUT` of the Redis store's budget,
   * `ROUTECACHE_STORE_UNAVAILABLE` of an open breaker); anything else is wrapped with `code`.
   * `started` is the call's {@link StoreCalls.start}. Returns the error, for callers that
   * rethrow it.
   */
  fail(
    operation: string,
    cause: unknown,
    code: 'ROUTECACHE_STORE_ERROR' | 'ROUTECACHE_STORE_TIMEOUT',
    started: number,
    budgetMs: number = this.timeoutMs,
  ): StoreError {
    const store = this.#store.name;
    const problem = code === 'ROUTECACHE_STORE_TIMEOUT' ? `exceeded ${budgetMs} ms` : 'failed';
    const error =
      cause instanceof StoreError
        ? cause
        : new StoreError(code, `Store "${store}" ${operation} ${problem}`, {
            cause,
            context: { store, operation },
          });
    if (!this.#events.storeError(operation, error, started))
      warnOnce(
        'ROUTECACHE_STORE_UNAVAILABLE',
        `${error.message}; serving without the cache`,
        store,
      );
    return error;
  }

  /**
   * Await a store promise, of the call that `started` ({@link StoreCalls.start}), within
   * `timeoutMs` (default: the store's own budget when it bounds its calls, else
   * `storeTimeout`); failures and timeouts yield {@link FAILED}.
   */
  settle<T>(
    operation: string,
    answer: PromiseLike<T>,
    started: number,
    budgetMs?: number,
  ): Promise<T | Failed> {
    if (budgetMs === undefined && this.#bounded) {
      return Promise.resolve(answer).then(undefined, (error: unknown) =>
        this.#failed(operation, error, started),
      );
    }
    const timeoutMs = budgetMs ?? this.timeoutMs;
    return withTimeout(answer, timeoutMs).then(
      (value) => {
        if (value !== TIMED_OUT) return value;
        this.fail(operation, undefined, 'ROUTECACHE_STORE_TIMEOUT', started, timeoutMs);
        return FAILED;
      },
      (error: unknown) => this.#failed(operation, error, started),
    );
  }

  /**
   * {@link settle} `answer` within the store's budget, then continue with `next` (its value or
   * {@link FAILED}): one promise reaction instead of two when the store bounds its calls (the
   * Redis hit path).
   */
  settleThen<T, R>(
    operation: string,
    answer: PromiseLike<T>,
    started: number,
    next: (value: T | Failed) => R | PromiseLike<R>,
  ): Promise<R> {
    if (!this.#bounded) return this.settle(operation, answer, started).then(next);
    return Promise.resolve(answer).then(next, (error: unknown) =>
      next(this.#failed(operation, error, started)),
    );
  }

  /** A store call that threw or rejected: reported, {@link FAILED}. */
  #failed(operation: string, error: unknown, started: number): Failed {
    this.fail(operation, error, 'ROUTECACHE_STORE_ERROR', started);
    return FAILED;
  }
}
