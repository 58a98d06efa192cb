import { createPurges } from '../cdn/purges.js';
import { KeyError } from '../errors.js';
import {
  deriveBaseKey,
  deriveCustomBaseKey,
  resolveNamespace,
  storageKey,
} from '../keying/index.js';
import type { CacheEntry, EntryAddress } from '../stores/types.js';
import type { MaybePromise } from '../types.js';
import { createCommitter, windowMs } from './commit.js';
import { CacheEvents } from './events.js';
import { underLease } from './lease.js';
import { resolveCacheOptions } from './options.js';
import { FailedFill, type Filled, Flights } from './single-flight.js';
import { FAILED, ignore, isPromiseLike, StoreCalls } from './store-calls.js';
import { createStreamFiller, isAsyncIterable, servedValue } from './streams.js';
import type {
  Cache,
  CacheOptions,
  CallRequest,
  CallResult,
  KeyRequest,
  Loaded,
  LoadRequest,
  LoadResult,
} from './types.js';

const NO_TAGS: readonly string[] = [];
/** Route namespaces whose resolution is memoized; beyond it they are resolved per call. */
const MAX_MEMOIZED_NAMESPACES = 256;

/** A request as the engine runs it: a {@link LoadRequest} or a {@link CallRequest}. */
type EngineRequest = Omit<LoadRequest<unknown>, 'baseKey' | 'load'> & {
  load: () => Promise<unknown>;
};

/** What the engine answers a call with (a `getOrLoad` is never `failed`). */
type Answer = LoadResult<unknown> | { outcome: 'failed'; failure: unknown };

/** The value a {@link Loaded} carries, or its failure as a {@link FailedFill}. */
function unwrap(loaded: Loaded<unknown, unknown>): unknown {
  return loaded.ok ? loaded.value : new FailedFill(loaded.failure);
}

/**
 * A failed fill as answered: `call`'s result, or for `getOrLoad` (whose own loader throws, so it
 * only meets a failure when it joined a `call`'s fill) a rejection with the failure.
 */
function failed(fill: FailedFill, results: boolean): Answer | Promise<Answer> {
  if (results) return { outcome: 'failed', failure: fill.failure };
  return Promise.reject(fill.failure);
}

/**
 * Create a cache: keys, lookups, single-flight fills, stale serving, invalidation and events
 * over one {@link CacheStore}. Options are validated and defaults resolved here, once.
 *
 * - A fresh hit returns the stored live value (memory store: no copy, no decode, no hashing).
 * - Concurrent misses of one storage key run `load` once; all callers get its value or error.
 *   Errors are never cached.
 * - `staleWhileRevalidate`: a stale entry is served while one background refresh runs.
 *   `staleIfError`: a stale entry is served when `load` fails.
 * - A `load` that returns a stream (an async iterable) fills the entry as it is read, under the
 *   same fence and lease ({@link LoadRequest.stream}); a hit replays it.
 * - Store failures and timeouts (`storeTimeout`) are misses (fail-open) reported as `storeError`
 *   events (or one `ROUTECACHE_STORE_UNAVAILABLE` warning when nobody listens). Invalidations
 *   are the exception: they reject with a `StoreError`, because their caller must know.
 * - An invalidation wins over fills already in flight: they are not stored, and callers
 *   arriving after it start a new load. That holds for invalidations made through this cache
 *   and for those its store reports through `onInvalidate` (a tiered store's bus: another
 *   instance's invalidation). Another `Cache` object over the same store that does not report
 *   them only has the store's fence: the old fill is not stored, but local callers may still
 *   join it until it settles.
 *
 * @throws {InvalidOptionError} when an option is invalid (names the option).
 * @example
 * ```ts
 * import { createCache, memoryStore } from '@routecache/core';
 *
 * const cache = createCache({ store: memoryStore(), ttl: 30, staleWhileRevalidate: 60 });
 * const baseKey = cache.keyFor({ route: 'users.get', input: { id: 42 } });
 * const { value, status, etag } = await cache.getOrLoad({
 *   baseKey,
 *   tags: ['users'],
 *   load: () => db.users.find(42),
 * });
 * await cache.invalidateTags(['users']);
 * ```
 */
export function createCache(options: CacheOptions = {}): Cache {
  const resolved = resolveCacheOptions(options);
  const { store, namespace, namespacePolicy } = resolved;
  const events = new CacheEvents();
  const calls = new StoreCalls(store, resolved.storeTimeoutMs, events);
  const flights = new Flights();
  const commit = createCommitter(resolved, calls, events);
  const fillFromStream = createStreamFiller(commit, events);
  const purges = createPurges(options.purger, events);

  store.onEvict?.((key, reason) => {
    if (events.listening.evicted > 0) events.emit('evicted', { key, reason });
  });

  // Invalidations the store learns of elsewhere (another instance, over a bus) detach fills in
  // flight too, exactly like this cache's own invalidate/invalidateTags.
  const stopInvalidations = store.onInvalidate?.((invalidation) => flights.drop(invalidation));

  const rootNamespace = resolveNamespace(namespace, undefined, namespacePolicy);
  const routeNamespaces = new Map<string, string | undefined>();
  function namespaceFor(route: string | undefined): string | undefined {
    if (route === undefined) return rootNamespace;
    let resolvedNamespace = routeNamespaces.get(route);
    if (resolvedNamespace === undefined) {
      resolvedNamespace = resolveNamespace(namespace, route, namespacePolicy);
      if (routeNamespaces.size < MAX_MEMOIZED_NAMESPACES)
        routeNamespaces.set(route, resolvedNamespace);
    }
    return resolvedNamespace;
  }

  /**
   * Run `load` as the single fill of `key`: fence first, so an invalidation during it wins (a
   * stream's too: the fence is taken before its loader reads anything); then, on a shared
   * store, only the lease holder among instances loads. A background fill reads a stream itself.
   * With `results` the loader returns a {@link Loaded}; its failure is passed back, not stored.
   */
  async function fill(
    request: EngineRequest,
    address: EntryAddress,
    background: boolean,
    results: boolean,
  ): Promise<Filled> {
    let fence = calls.run('fence', () => store.fence(address));
    if (isPromiseLike(fence)) fence = await fence;
    const fenced = fence;
    return underLease(store, calls, address, resolved.leaseTimeoutMs, async () => {
      const loaded = await request.load();
      const value = results ? unwrap(loaded as Loaded<unknown, unknown>) : loaded;
      if (value instanceof FailedFill) return value;
      if (isAsyncIterable(value)) {
        return fillFromStream(address, fenced, request, value, background);
      }
      return commit(address, value, 'value', fenced, request);
    });
  }

  function startFill(
    request: EngineRequest,
    baseKey: string,
    key: string,
    background: boolean,
    results: boolean,
  ) {
    const tags = request.tags ?? NO_TAGS;
    const address: EntryAddress = { key, baseKey, tags };
    return flights.start(key, baseKey, tags, () => fill(request, address, background, results));
  }

  /** A caller that joined a stream's fill: a stream has one reader, so it runs its own load. */
  async function loadOwn(request: EngineRequest, results: boolean): Promise<Answer> {
    const loaded = await request.load();
    const value = results ? unwrap(loaded as Loaded<unknown, unknown>) : loaded;
    if (value instanceof FailedFill) return failed(value, results);
    const kind = isAsyncIterable(value) ? 'stream' : 'value';
    return { outcome: 'served', value, kind, status: 'MISS', etag: undefined, maxAge: 0 };
  }

  /** A miss: join the fill in flight or start one; `stale` is served if the load fails. */
  function load(
    request: EngineRequest,
    baseKey: string,
    key: string,
    stale: CacheEntry | undefined,
    results: boolean,
  ): Promise<Answer> {
    let flight = flights.get(key);
    const joined = flight !== undefined;
    if (flight !== undefined) events.keyed('coalesced', key, baseKey);
    else {
      events.keyed('miss', key, baseKey);
      flight = startFill(request, baseKey, key, false, results);
    }
    const toResult = (outcome: Filled): Answer | Promise<Answer> => {
      if (outcome instanceof FailedFill) {
        return stale === undefined ? failed(outcome, results) : serveStale(baseKey, key, stale);
      }
      if (outcome.streaming !== undefined && joined) return loadOwn(request, results);
      return {
        outcome: 'served',
        // The stream of this caller's own load is its to read; a stored stream is replayed.
        value:
          outcome.streaming === undefined
            ? servedValue(outcome.value, outcome.kind)
            : outcome.value,
        kind: outcome.kind,
        status: 'MISS',
        etag: outcome.etag,
        maxAge: outcome.maxAge,
      };
    };
    if (stale === undefined) return flight.promise.then(toResult);
    return flight.promise.then(toResult).catch(() => serveStale(baseKey, key, stale));
  }

  /** A stale entry served because the load failed (`staleIfError`). */
  function serveStale(baseKey: string, key: string, stale: CacheEntry): Answer {
    events.keyed('stale', key, baseKey, 'error');
    return {
      outcome: 'served',
      value: servedValue(stale.value, stale.kind),
      kind: stale.kind,
      status: 'STALE',
      etag: stale.etag,
      maxAge: 0,
    };
  }

  /** Answer from what the store returned. Kept free of `async` so a hit allocates one promise. */
  function serve(
    request: EngineRequest,
    baseKey: string,
    key: string,
    entry: CacheEntry | undefined,
    results: boolean,
  ): Promise<Answer> {
    if (entry === undefined) return load(request, baseKey, key, undefined, results);
    const now = Date.now();
    if (now < entry.freshUntil) {
      events.keyed('hit', key, baseKey);
      return Promise.resolve({
        outcome: 'served',
        value: servedValue(entry.value, entry.kind),
        kind: entry.kind,
        status: 'HIT',
        etag: entry.etag,
        maxAge: Math.floor((entry.freshUntil - now) / 1000),
      });
    }
    if (
      now <
      entry.freshUntil + windowMs(request.staleWhileRevalidate, resolved.staleWhileRevalidateMs)
    ) {
      events.keyed('stale', key, baseKey, 'revalidate');
      // One background refresh per key: joins a fill in flight instead of starting another. It
      // reads a stream to its end itself, so the refresh is stored whoever the caller is.
      if (flights.get(key) === undefined) {
        const refresh = startFill(request, baseKey, key, true, results).promise.catch(ignore);
        request.waitUntil?.(refresh);
      }
      return Promise.resolve({
        outcome: 'served',
        value: servedValue(entry.value, entry.kind),
        kind: entry.kind,
        status: 'STALE',
        etag: entry.etag,
        maxAge: 0,
      });
    }
    const canFallBack =
      now < entry.freshUntil + windowMs(request.staleIfError, resolved.staleIfErrorMs);
    return load(request, baseKey, key, canFallBack ? entry : undefined, results);
  }

  /** Look `baseKey` + variant up in the store, then {@link serve}; a store failure is a miss. */
  function lookup(request: EngineRequest, baseKey: string, results: boolean): Promise<Answer> {
    try {
      const key = storageKey(baseKey, request.variant ?? '');
      let got: MaybePromise<CacheEntry | undefined>;
      try {
        got = store.get(key);
      } catch (cause) {
        calls.fail('get', cause, 'ROUTECACHE_STORE_ERROR');
        return load(request, baseKey, key, undefined, results);
      }
      if (!isPromiseLike(got)) return serve(request, baseKey, key, got, results);
      return calls
        .settle('get', got)
        .then((entry) =>
          serve(request, baseKey, key, entry === FAILED ? undefined : entry, results),
        );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function keyFor(request: KeyRequest): string {
    const ns = namespaceFor(request.namespace);
    return request.key === undefined
      ? deriveBaseKey(ns, request.route, request.input)
      : deriveCustomBaseKey(ns, request.key);
  }

  async function invalidateWith(
    operation: 'invalidate' | 'invalidateTags',
    call: () => MaybePromise<number>,
  ): Promise<number> {
    try {
      return await call();
    } catch (cause) {
      throw calls.fail(operation, cause, 'ROUTECACHE_STORE_ERROR');
    }
  }

  return {
    namespace,
    store,
    keyFor,
    getOrLoad<T>(request: LoadRequest<T>): Promise<LoadResult<T>> {
      return lookup(request as EngineRequest, request.baseKey, false) as Promise<LoadResult<T>>;
    },
    call<T, F>(request: CallRequest<T, F>): Promise<CallResult<T, F>> {
      let baseKey: string;
      try {
        baseKey = keyFor(request);
      } catch (error) {
        if (KeyError.is(error)) return Promise.resolve({ outcome: 'unkeyable', error });
        return Promise.reject(error);
      }
      return lookup(request as EngineRequest, baseKey, true) as Promise<CallResult<T, F>>;
    },
    async invalidate(baseKey) {
      // Callers arriving from now on must not join a fill that started before this invalidation.
      flights.dropBaseKey(baseKey);
      const removed = await invalidateWith('invalidate', () => store.invalidate(baseKey)).finally(
        () => purges?.baseKeys([baseKey]),
      );
      if (events.listening.invalidated > 0) {
        events.emit('invalidated', { baseKeys: [baseKey], tags: NO_TAGS, removed });
      }
      return removed;
    },
    async invalidateTags(tags) {
      flights.dropTags(tags);
      const removed = await invalidateWith('invalidateTags', () =>
        store.invalidateTags(tags),
      ).finally(() => purges?.tags(tags));
      if (events.listening.invalidated > 0) {
        events.emit('invalidated', { baseKeys: NO_TAGS, tags: [...tags], removed });
      }
      return removed;
    },
    on(event, listener) {
      return events.on(event, listener);
    },
    async dispose() {
      stopInvalidations?.();
      purges?.dispose();
      flights.clear();
      events.clear();
      await store.dispose?.();
    },
  };
}
