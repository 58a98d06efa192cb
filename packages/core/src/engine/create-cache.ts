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
import { type FillOutcome, Flights } from './single-flight.js';
import { FAILED, isPromiseLike, StoreCalls } from './store-calls.js';
import { createStreamFiller, isAsyncIterable, servedValue } from './streams.js';
import type { Cache, CacheOptions, LoadRequest, LoadResult } from './types.js';

const NO_TAGS: readonly string[] = [];
/** Route namespaces whose resolution is memoized; beyond it they are resolved per call. */
const MAX_MEMOIZED_NAMESPACES = 256;

function ignore(): void {}

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
   */
  async function fill(
    request: LoadRequest<unknown>,
    address: EntryAddress,
    background: boolean,
  ): Promise<FillOutcome> {
    let fence = calls.run('fence', () => store.fence(address));
    if (isPromiseLike(fence)) fence = await fence;
    const fenced = fence;
    return underLease(store, calls, address, resolved.leaseTimeoutMs, async () => {
      const value = await request.load();
      if (isAsyncIterable(value)) {
        return fillFromStream(address, fenced, request, value, background);
      }
      return commit(address, value, 'value', fenced, request, request);
    });
  }

  function startFill(request: LoadRequest<unknown>, key: string, background: boolean) {
    const tags = request.tags ?? NO_TAGS;
    const address: EntryAddress = { key, baseKey: request.baseKey, tags };
    return flights.start(key, request.baseKey, tags, () => fill(request, address, background));
  }

  /** A caller that joined a stream's fill: a stream has one reader, so it runs its own load. */
  async function loadOwn<T>(request: LoadRequest<T>): Promise<LoadResult<T>> {
    const value = await request.load();
    const kind = isAsyncIterable(value) ? 'stream' : 'value';
    return { value, kind, status: 'MISS', etag: undefined, maxAge: 0 };
  }

  /** A miss: join the fill in flight or start one; `stale` is served if the load fails. */
  function load<T>(
    request: LoadRequest<T>,
    key: string,
    stale: CacheEntry | undefined,
  ): Promise<LoadResult<T>> {
    let flight = flights.get(key);
    const joined = flight !== undefined;
    if (flight !== undefined) {
      if (events.listening.coalesced > 0)
        events.emit('coalesced', { key, baseKey: request.baseKey });
    } else {
      if (events.listening.miss > 0) events.emit('miss', { key, baseKey: request.baseKey });
      flight = startFill(request as LoadRequest<unknown>, key, false);
    }
    const toResult = (outcome: FillOutcome): LoadResult<T> | Promise<LoadResult<T>> => {
      if (outcome.streaming !== undefined && joined) return loadOwn(request);
      return {
        // The stream of this caller's own load is its to read; a stored stream is replayed.
        value: (outcome.streaming === undefined
          ? servedValue(outcome.value, outcome.kind)
          : outcome.value) as T,
        kind: outcome.kind,
        status: 'MISS',
        etag: outcome.etag,
        maxAge: outcome.maxAge,
      };
    };
    if (stale === undefined) return flight.promise.then(toResult);
    return flight.promise.then(toResult).catch(() => {
      if (events.listening.stale > 0) {
        events.emit('stale', { key, baseKey: request.baseKey, reason: 'error' });
      }
      return {
        value: servedValue(stale.value, stale.kind) as T,
        kind: stale.kind,
        status: 'STALE',
        etag: stale.etag,
        maxAge: 0,
      };
    });
  }

  /** Answer from what the store returned. Kept free of `async` so a hit allocates one promise. */
  function serve<T>(
    request: LoadRequest<T>,
    key: string,
    entry: CacheEntry | undefined,
  ): Promise<LoadResult<T>> {
    if (entry === undefined) return load(request, key, undefined);
    const now = Date.now();
    if (now < entry.freshUntil) {
      if (events.listening.hit > 0) events.emit('hit', { key, baseKey: request.baseKey });
      return Promise.resolve({
        value: servedValue(entry.value, entry.kind) as T,
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
      if (events.listening.stale > 0) {
        events.emit('stale', { key, baseKey: request.baseKey, reason: 'revalidate' });
      }
      // One background refresh per key: joins a fill in flight instead of starting another. It
      // reads a stream to its end itself, so the refresh is stored whoever the caller is.
      if (flights.get(key) === undefined) {
        startFill(request as LoadRequest<unknown>, key, true).promise.catch(ignore);
      }
      return Promise.resolve({
        value: servedValue(entry.value, entry.kind) as T,
        kind: entry.kind,
        status: 'STALE',
        etag: entry.etag,
        maxAge: 0,
      });
    }
    const canFallBack =
      now < entry.freshUntil + windowMs(request.staleIfError, resolved.staleIfErrorMs);
    return load(request, key, canFallBack ? entry : undefined);
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
    keyFor(request) {
      const ns = namespaceFor(request.namespace);
      return request.key === undefined
        ? deriveBaseKey(ns, request.route, request.input)
        : deriveCustomBaseKey(ns, request.key);
    },
    getOrLoad<T>(request: LoadRequest<T>): Promise<LoadResult<T>> {
      try {
        const key = storageKey(request.baseKey, request.variant ?? '');
        let got: MaybePromise<CacheEntry | undefined>;
        try {
          got = store.get(key);
        } catch (cause) {
          calls.fail('get', cause, 'ROUTECACHE_STORE_ERROR');
          return load(request, key, undefined);
        }
        if (!isPromiseLike(got)) return serve(request, key, got);
        return calls
          .settle('get', got)
          .then((entry) => serve(request, key, entry === FAILED ? undefined : entry));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async invalidate(baseKey) {
      // Callers arriving from now on must not join a fill that started before this invalidation.
      flights.dropBaseKey(baseKey);
      const removed = await invalidateWith('invalidate', () => store.invalidate(baseKey));
      if (events.listening.invalidated > 0) {
        events.emit('invalidated', { baseKeys: [baseKey], tags: NO_TAGS, removed });
      }
      return removed;
    },
    async invalidateTags(tags) {
      flights.dropTags(tags);
      const removed = await invalidateWith('invalidateTags', () => store.invalidateTags(tags));
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
      flights.clear();
      events.clear();
      await store.dispose?.();
    },
  };
}
