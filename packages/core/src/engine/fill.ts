import { isPromiseLike } from '../async.js';
import type { CacheStore, EntryAddress, Fence } from '../stores/types.js';
import { type EngineRequest, runLoader } from './answers.js';
import type { Committer } from './commit.js';
import type { CacheEvents } from './events.js';
import { underLease } from './lease.js';
import { FailedFill, type Filled, type Flight, type Flights } from './single-flight.js';
import type { Failed, StoreCalls } from './store-calls.js';
import { isAsyncIterable, type StreamFiller } from './streams.js';
import type { CacheEventMap } from './types.js';

const NO_TAGS: readonly string[] = [];

/** What a `filled` event reports of a fill's result. */
function outcomeOf(filled: Filled): CacheEventMap['filled']['outcome'] {
  if (filled instanceof FailedFill) return 'failed';
  if (filled.streaming !== undefined) return 'stream';
  return filled.stored ? 'stored' : 'skipped';
}

/**
 * Starts the single fill of a storage key: fence first, so an invalidation during it wins (a
 * stream's too: the fence is taken before its loader reads anything); then, on a shared store,
 * only the lease holder among instances loads; then the value is committed, or a stream is
 * filled as it is read. A failed loader ({@link FailedFill}) is passed back, never stored.
 *
 * @example
 * ```ts
 * const fills = new Fills(store, calls, flights, commit, fillFromStream, 5_000, events);
 * const flight = flights.get(key) ?? fills.start(request, baseKey, key, false, true);
 * ```
 */
export class Fills {
  readonly #store: CacheStore;
  readonly #calls: StoreCalls;
  readonly #flights: Flights;
  readonly #commit: Committer;
  readonly #fillFromStream: StreamFiller;
  readonly #leaseMs: number;
  readonly #events: CacheEvents;

  constructor(
    store: CacheStore,
    calls: StoreCalls,
    flights: Flights,
    commit: Committer,
    fillFromStream: StreamFiller,
    leaseMs: number,
    events: CacheEvents,
  ) {
    this.#store = store;
    this.#calls = calls;
    this.#flights = flights;
    this.#commit = commit;
    this.#fillFromStream = fillFromStream;
    this.#leaseMs = leaseMs;
    this.#events = events;
  }

  /**
   * Start the fill of `key` as its flight (the caller checked there is none). A `background`
   * fill (a stale-while-revalidate refresh) reads a stream to its end itself.
   */
  start(
    request: EngineRequest,
    baseKey: string,
    key: string,
    background: boolean,
    results: boolean,
  ): Flight {
    const tags = request.tags ?? NO_TAGS;
    const address: EntryAddress = { key, baseKey, tags };
    return this.#flights.start(
      key,
      baseKey,
      tags,
      this.#reported(request, address, background, results),
    );
  }

  /** The fill, timed and reported as a `filled` event while one is heard. */
  #reported(
    request: EngineRequest,
    address: EntryAddress,
    background: boolean,
    results: boolean,
  ): Promise<Filled> {
    const events = this.#events;
    if (events.listening.filled === 0) return this.#fill(request, address, background, results);
    const started = performance.now();
    return this.#fill(request, address, background, results).then(
      (filled) => {
        events.filled(address, request.route, started, outcomeOf(filled));
        return filled;
      },
      (error: unknown) => {
        events.filled(address, request.route, started, 'failed');
        throw error;
      },
    );
  }

  #fill(
    request: EngineRequest,
    address: EntryAddress,
    background: boolean,
    results: boolean,
  ): Promise<Filled> {
    const store = this.#store;
    const fence = this.#calls.run('fence', () => store.fence(address));
    if (isPromiseLike(fence)) {
      return fence.then((fenced) => this.#leased(request, address, background, results, fenced));
    }
    return this.#leased(request, address, background, results, fence);
  }

  /** The load and its commit, under the lease when the store is shared. */
  #leased(
    request: EngineRequest,
    address: EntryAddress,
    background: boolean,
    results: boolean,
    fence: Fence | Failed,
  ): Promise<Filled> {
    const store = this.#store;
    const acquire = store.acquireLease;
    // An in-process store has no lease: its fill runs as it is, without a closure or a promise.
    if (acquire === undefined) {
      return this.#loadAndCommit(request, address, background, results, fence);
    }
    return underLease(store, acquire, this.#calls, address, this.#leaseMs, () =>
      this.#loadAndCommit(request, address, background, results, fence),
    );
  }

  async #loadAndCommit(
    request: EngineRequest,
    address: EntryAddress,
    background: boolean,
    results: boolean,
    fence: Fence | Failed,
  ): Promise<Filled> {
    const value = await runLoader(request, results);
    if (value instanceof FailedFill) return value;
    if (isAsyncIterable(value)) {
      return this.#fillFromStream(address, fence, request, value, background);
    }
    // Over the memory store the commit answers at once: no await, no promise of its own.
    return this.#commit(address, value, 'value', fence, request);
  }
}
