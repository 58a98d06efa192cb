import { ignore, isPromiseLike } from '../async.js';
import { StorageKeys } from '../keying/index.js';
import type { CacheEntry, CacheStore } from '../stores/types.js';
import type { MaybePromise } from '../types.js';
import {
  type Answer,
  type EngineRequest,
  entryAnswer,
  failedAnswer,
  filledAnswer,
  runLoader,
} from './answers.js';
import { windowMs } from './commit.js';
import type { CacheEvents } from './events.js';
import type { Fills } from './fill.js';
import type { ResolvedCacheOptions } from './options.js';
import { FailedFill, type Filled, type Flights } from './single-flight.js';
import { FAILED, type StoreCalls } from './store-calls.js';
import { isAsyncIterable } from './streams.js';
import type { StoreLayer } from './types.js';

/**
 * The read side of the engine, one call at a time: look the storage key up, then serve a fresh
 * hit, serve stale while one background refresh runs, or on a miss join the fill in flight or
 * start one (serving a stale entry if that load fails). A store failure is a miss.
 *
 * None of the hit path is `async`, so a memory hit allocates at most one promise: `getOrLoad`'s
 * (a `call` hands the answer itself to the adapter, which serves it without awaiting). Its
 * events carry the {@link StoreLayer} (a synchronous answer is `L1`) and the time since
 * `started`, which is `0` and costs no clock read while no lookup event is heard. `started` is
 * also the start of the `get` for a failed get's `storeError` duration; while only `storeError`
 * is heard, an asynchronous `get` reads the clock once it returned its promise (a memory hit
 * reads no `performance.now()`).
 *
 * A lookup reads `Date.now()` once before the `get` and hands it to the store (see
 * {@link CacheStore.get}), so a memory hit reads the wall clock once, for the store's expiry and
 * the engine's freshness alike; an asynchronous answer is judged at a second read when it arrives.
 *
 * @example
 * ```ts
 * const lookup = new Lookup(options, calls, events, flights, fills);
 * const answer = await lookup.run(request, baseKey, true); // a memory hit: no promise
 * ```
 */
export class Lookup {
  readonly #store: CacheStore;
  readonly #options: ResolvedCacheOptions;
  readonly #calls: StoreCalls;
  readonly #events: CacheEvents;
  readonly #flights: Flights;
  readonly #fills: Fills;
  /** Storage keys, each variant's last one remembered (a private or `vary` hit joins none). */
  readonly #keys = new StorageKeys();

  constructor(
    options: ResolvedCacheOptions,
    calls: StoreCalls,
    events: CacheEvents,
    flights: Flights,
    fills: Fills,
  ) {
    this.#store = options.store;
    this.#options = options;
    this.#calls = calls;
    this.#events = events;
    this.#flights = flights;
    this.#fills = fills;
  }

  /**
   * Look `baseKey` + variant up in the store, then serve or load. `results`: a `call`, whose
   * synchronous store's hit (or stale entry) is the answer itself, not a promise; otherwise a
   * promise. A failure is always a rejected promise, never thrown.
   */
  run(request: EngineRequest, baseKey: string, results: boolean): MaybePromise<Answer> {
    try {
      const started = this.#events.startLookup();
      const key = this.#keys.key(baseKey, request.variant ?? '');
      // One clock read judges a synchronous answer: the store's expiry and the engine's freshness
      // (a read costs ~60-300 ns of wall time here, as much as the rest of a memory hit's get).
      const now = Date.now();
      let got: MaybePromise<CacheEntry | undefined>;
      try {
        got = this.#store.get(key, now);
      } catch (cause) {
        this.#calls.fail('get', cause, 'ROUTECACHE_STORE_ERROR', started);
        return this.#load(request, baseKey, key, undefined, results, 'L1', started);
      }
      if (!isPromiseLike(got)) {
        const answer = this.#serve(request, baseKey, key, got, now, results, 'L1', started);
        // A call's adapter serves the answer as is; getOrLoad's caller is promised one.
        return results ? answer : Promise.resolve(answer);
      }
      const callStarted = started === 0 ? this.#calls.start() : started;
      // An asynchronous answer is judged when it arrives, not when it was asked for.
      return this.#calls.settleThen('get', got, callStarted, (entry) =>
        this.#serve(
          request,
          baseKey,
          key,
          entry === FAILED ? undefined : entry,
          Date.now(),
          results,
          'L2',
          started,
        ),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Answer from what the store returned: fresh, stale-while-revalidate, or a miss. A hit is a
   * plain answer, not a promise: returned from a store promise's reaction, a promise would cost
   * two more reactions to adopt. `now` is the time it is judged at.
   */
  #serve(
    request: EngineRequest,
    baseKey: string,
    key: string,
    entry: CacheEntry | undefined,
    now: number,
    results: boolean,
    layer: StoreLayer,
    started: number,
  ): Answer | Promise<Answer> {
    if (entry === undefined) {
      return this.#load(request, baseKey, key, undefined, results, layer, started);
    }
    if (now < entry.freshUntil) {
      this.#events.keyed('hit', key, baseKey, request.route, layer, started);
      const maxAge = Math.floor((entry.freshUntil - now) / 1000);
      return entryAnswer(entry, 'HIT', maxAge);
    }
    const options = this.#options;
    const revalidateMs = windowMs(request.staleWhileRevalidate, options.staleWhileRevalidateMs);
    if (now < entry.freshUntil + revalidateMs) {
      this.#events.keyed('stale', key, baseKey, request.route, layer, started, 'revalidate');
      // One background refresh per key: joins a fill in flight instead of starting another. It
      // reads a stream to its end itself, so the refresh is stored whoever the caller is.
      // A host that ends a request's work with its response (workerd) is told to wait for it.
      if (this.#flights.get(key) === undefined) {
        const refresh = this.#fills
          .start(request, baseKey, key, true, results)
          .promise.catch(ignore);
        request.waitUntil?.(refresh);
      }
      return entryAnswer(entry, 'STALE', 0);
    }
    const fallBackMs = windowMs(request.staleIfError, options.staleIfErrorMs);
    const stale = now < entry.freshUntil + fallBackMs ? entry : undefined;
    return this.#load(request, baseKey, key, stale, results, layer, started);
  }

  /** A miss: join the fill in flight or start one; `stale` is served if the load fails. */
  #load(
    request: EngineRequest,
    baseKey: string,
    key: string,
    stale: CacheEntry | undefined,
    results: boolean,
    layer: StoreLayer,
    started: number,
  ): Promise<Answer> {
    const { route } = request;
    let flight = this.#flights.get(key);
    const joined = flight !== undefined;
    if (flight !== undefined) this.#events.keyed('coalesced', key, baseKey, route, layer, started);
    else {
      this.#events.keyed('miss', key, baseKey, route, layer, started);
      flight = this.#fills.start(request, baseKey, key, false, results);
    }
    const answer = (outcome: Filled): Answer | Promise<Answer> => {
      if (outcome instanceof FailedFill) {
        if (stale === undefined) return failedAnswer(outcome, results);
        return this.#serveStale(request, baseKey, key, stale, layer, started);
      }
      if (outcome.streaming !== undefined && joined) return this.#loadOwn(request, results);
      return filledAnswer(outcome);
    };
    if (stale === undefined) return flight.promise.then(answer);
    return flight.promise
      .then(answer)
      .catch(() => this.#serveStale(request, baseKey, key, stale, layer, started));
  }

  /** A stale entry served because the load failed (`staleIfError`). */
  #serveStale(
    request: EngineRequest,
    baseKey: string,
    key: string,
    stale: CacheEntry,
    layer: StoreLayer,
    started: number,
  ): Answer {
    this.#events.keyed('stale', key, baseKey, request.route, layer, started, 'error');
    return entryAnswer(stale, 'STALE', 0);
  }

  /** A caller that joined a stream's fill: a stream has one reader, so it runs its own load. */
  async #loadOwn(request: EngineRequest, results: boolean): Promise<Answer> {
    const value = await runLoader(request, results);
    if (value instanceof FailedFill) return failedAnswer(value, results);
    const kind = isAsyncIterable(value) ? 'stream' : 'value';
    return { outcome: 'served', value, kind, status: 'MISS', etag: undefined, maxAge: 0 };
  }
}
