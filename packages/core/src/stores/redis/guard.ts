import { StoreError } from '../../errors.js';
import { Deadlines, type Timed } from './deadlines.js';

/**
 * Outage notifications of a Redis store or bus: `'down'` once when an outage starts (with its
 * first error), `'up'` once when a call succeeds again.
 *
 * @example
 * ```ts
 * redisStore({ connection, onStatus: (status, error) => log.warn({ status, code: error?.code }) });
 * ```
 */
export type RedisStatusListener = (status: 'down' | 'up', error?: StoreError) => void;

/**
 * Circuit breaker settings.
 *
 * @example
 * ```ts
 * redisStore({ connection, breaker: { threshold: 5, cooldownMs: 2_000 } });
 * ```
 */
export interface BreakerOptions {
  /**
   * Consecutive errors that open the breaker. A timeout opens it at once, so a server that
   * stops answering costs one budget, not one per request (unless the timer itself fired late,
   * a sign of a blocked event loop rather than a silent server). @default 3
   */
  threshold?: number;
  /** How long an open breaker fails calls without trying Redis, ms. @default 1000 */
  cooldownMs?: number;
}

/** @internal Returned by read operations instead of an error while an outage is already reported. */
export interface Fallback<T> {
  readonly value: T;
}

/**
 * Time budget + circuit breaker around every Redis call, so a down, slow or blackholed Redis
 * costs each request at most `timeoutMs` and, once the breaker is open, nothing.
 *
 * Errors surface once per outage: the first failure of an outage rejects (the engine reports it
 * as `storeError`) and calls `onStatus('down', error)`; later failures of read operations
 * resolve to their fallback (a miss) silently until a call succeeds again (`onStatus('up')`).
 * Write operations (invalidations, clear) always reject: their callers must know.
 *
 * After `cooldownMs` the breaker lets one probe call through (half-open); its success closes it.
 *
 * A call made while the client makes its first connection (`starting`) that runs out of budget
 * is no failure: the initial connect is not an outage. A read resolves to its fallback (a miss),
 * a write rejects with `ROUTECACHE_STORE_UNAVAILABLE`; neither counts against the breaker nor
 * reports `'down'`.
 *
 * @internal
 * @example
 * ```ts
 * const guard = new Guard('redis', 40, { threshold: 3, cooldownMs: 1000 }, undefined);
 * const data = await guard.run('get', () => client.getBuffer(key), { value: null });
 * ```
 */
export class Guard {
  readonly #store: string;
  readonly #timeoutMs: number;
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #onStatus: RedisStatusListener | undefined;
  /** The budgets of the calls in flight: one timer for all of them. */
  readonly #deadlines: Deadlines<GuardedCall<unknown, unknown>>;
  #failures = 0;
  #openUntil = 0;
  #probing = false;
  #down = false;

  constructor(
    store: string,
    timeoutMs: number,
    breaker: Required<BreakerOptions>,
    onStatus: RedisStatusListener | undefined,
  ) {
    this.#store = store;
    this.#timeoutMs = timeoutMs;
    this.#deadlines = new Deadlines(timeoutMs, (flight, lateMs) => this.#timedOut(flight, lateMs));
    this.#threshold = breaker.threshold;
    this.#cooldownMs = breaker.cooldownMs;
    this.#onStatus = onStatus;
  }

  /** Whether the breaker currently refuses calls. */
  get open(): boolean {
    return this.#probing || Date.now() < this.#openUntil;
  }

  /**
   * Run one Redis call within the budget. `fallback` marks a read operation (fail-open);
   * `starting`, a call made during the client's first connection (see the class comment).
   * `map` turns Redis' answer into the result (a decode) as it arrives, in the same reaction:
   * without it, the answer is the result (`R` is `T`). A `map` that throws rejects the call;
   * Redis answered, so it still counts as a success for the breaker.
   */
  run<T, R = T>(
    operation: string,
    call: () => Promise<T>,
    fallback?: Fallback<R>,
    starting = false,
    map?: (answer: T) => R,
  ): Promise<R> {
    if (this.#openUntil !== 0) {
      if (this.open) {
        const error = new StoreError(
          'ROUTECACHE_STORE_UNAVAILABLE',
          `Store "${this.#store}" ${operation} skipped: circuit breaker open`,
          { context: { store: this.#store, operation } },
        );
        return fallback && this.#down ? Promise.resolve(fallback.value) : Promise.reject(error);
      }
      this.#probing = true;
    }
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (error) {
      pending = Promise.reject(error);
    }
    return new Promise<R>((resolve, reject) => {
      const flight = new GuardedCall<T, R>(
        this.#deadlines.deadline(),
        operation,
        fallback,
        starting,
        map,
        resolve,
        reject,
      );
      // Its budget expires it with a fallback or an error, never a value of type T.
      this.#deadlines.add(flight as GuardedCall<unknown, unknown>);
      pending.then(
        (value) => this.#answered(flight, value),
        (cause: unknown) => this.#refused(flight, cause),
      );
    });
  }

  #answered<T, R>(flight: GuardedCall<T, R>, answer: T): void {
    // Out of budget already: a late answer is dropped (it proves nothing about the next call).
    if (flight.settled) return;
    flight.settled = true;
    this.#deadlines.delete(flight as GuardedCall<unknown, unknown>);
    try {
      this.#succeeded();
      const { map } = flight;
      flight.resolve(map === undefined ? (answer as unknown as R) : map(answer));
    } catch (error) {
      // onStatus('up') or `map` threw: the call rejects with it.
      flight.reject(error);
    }
  }

  #refused<T, R>(flight: GuardedCall<T, R>, cause: unknown): void {
    if (flight.settled) return;
    flight.settled = true;
    this.#deadlines.delete(flight as GuardedCall<unknown, unknown>);
    this.#settle(flight, () => {
      const { operation } = flight;
      const error = new StoreError(
        'ROUTECACHE_STORE_ERROR',
        `Store "${this.#store}" ${operation} failed`,
        { cause, context: { store: this.#store, operation } },
      );
      return this.#failed(error, flight.fallback);
    });
  }

  /** Settle `flight` with what `outcome` returns, or its throw (a listener's included). */
  #settle<T, R>(flight: GuardedCall<T, R>, outcome: () => R): void {
    try {
      flight.resolve(outcome());
    } catch (error) {
      flight.reject(error);
    }
  }

  /** A call out of budget: a failure, unless the client is still making its first connection. */
  #timedOut(flight: GuardedCall<unknown, unknown>, lateMs: number): void {
    flight.settled = true;
    this.#settle(flight, () => {
      const { operation, fallback } = flight;
      if (flight.starting) {
        if (fallback) return fallback.value;
        throw this.#notConnected(operation);
      }
      const error = new StoreError(
        'ROUTECACHE_STORE_TIMEOUT',
        `Store "${this.#store}" ${operation} exceeded ${this.#timeoutMs} ms`,
        { context: { store: this.#store, operation, timeoutMs: this.#timeoutMs } },
      );
      // A timer that fires well after its time means the event loop was blocked (GC, a heavy
      // request): the reply may be sitting unread in the socket, so this is no proof that the
      // server stopped answering.
      const late = lateMs > this.#timeoutMs * 0.5;
      return this.#failed(error, fallback, !late);
    });
  }

  #notConnected(operation: string): StoreError {
    return new StoreError(
      'ROUTECACHE_STORE_UNAVAILABLE',
      `Store "${this.#store}" ${operation} skipped: still making its first connection after ${this.#timeoutMs} ms`,
      { context: { store: this.#store, operation, timeoutMs: this.#timeoutMs } },
    );
  }

  #succeeded(): void {
    this.#failures = 0;
    this.#openUntil = 0;
    this.#probing = false;
    if (this.#down) {
      this.#down = false;
      this.#onStatus?.('up');
    }
  }

  /** Count a failure: the fallback of a read once the outage is reported, else the error thrown. */
  #failed<T>(error: StoreError, fallback: Fallback<T> | undefined, opensAtOnce = false): T {
    this.#failures++;
    // A timeout opens the breaker at once: a server that does not answer (blackholed, paused)
    // would otherwise cost every request the whole budget until `threshold` calls had failed.
    // Not a late one: opening on a local stall would turn a healthy Redis off for a cooldown.
    if (this.#probing || opensAtOnce || this.#failures >= this.#threshold) {
      this.#openUntil = Date.now() + this.#cooldownMs;
      this.#probing = false;
    }
    if (!this.#down) {
      // First failure of an outage: report it, once.
      this.#down = true;
      this.#onStatus?.('down', error);
      throw error;
    }
    if (fallback) return fallback.value;
    throw error;
  }
}

/**
 * One guarded call in flight (Redis answers a `T`, the call results in an `R`): settled once, by
 * its answer or by its budget running out.
 */
class GuardedCall<T, R> implements Timed {
  /** Answered, refused or out of budget: whatever comes later is dropped. */
  settled = false;
  prev: Timed | undefined = undefined;
  next: Timed | undefined = undefined;

  constructor(
    readonly deadline: number,
    readonly operation: string,
    readonly fallback: Fallback<R> | undefined,
    /** Made during the client's first connection (see {@link Guard}). */
    readonly starting: boolean,
    readonly map: ((answer: T) => R) | undefined,
    readonly resolve: (value: R) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}
