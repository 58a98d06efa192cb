import { createPurges } from '../cdn/purges.js';
import { KeyError } from '../errors.js';
import { deriveBaseKey, deriveCustomBaseKey } from '../keying/index.js';
import type { MaybePromise } from '../types.js';
import type { EngineRequest } from './answers.js';
import { createCommitter } from './commit.js';
import { CacheEvents } from './events.js';
import { Fills } from './fill.js';
import { Lookup } from './lookup.js';
import { RouteNamespaces } from './namespaces.js';
import { type ResolvedCacheOptions, resolveCacheOptions } from './options.js';
import { Flights } from './single-flight.js';
import { StoreCalls } from './store-calls.js';
import { createStreamFiller } from './streams.js';
import type {
  Cache,
  CacheOptions,
  CallRequest,
  CallResult,
  KeyRequest,
  LoadRequest,
  LoadResult,
} from './types.js';

const NO_TAGS: readonly string[] = [];

/** The engine's units, wired once per cache: see "How a call flows" in the package README. */
function engineUnits(resolved: ResolvedCacheOptions, purger: CacheOptions['purger']) {
  const { store } = resolved;
  const events = new CacheEvents();
  const calls = new StoreCalls(store, resolved.storeTimeoutMs, events);
  const flights = new Flights();
  const commit = createCommitter(resolved, calls, events);
  const fillFromStream = createStreamFiller(commit, events);
  const fills = new Fills(
    store,
    calls,
    flights,
    commit,
    fillFromStream,
    resolved.leaseTimeoutMs,
    events,
  );
  const lookup = new Lookup(resolved, calls, events, flights, fills);
  const namespaces = new RouteNamespaces(resolved.namespace, resolved.namespacePolicy);
  const purges = createPurges(purger, events);
  return { events, calls, flights, lookup, namespaces, purges };
}

/** The base key of a call: its route namespace, then its route + input or its custom key. */
function baseKeyOf(namespaces: RouteNamespaces, request: KeyRequest): string {
  const ns = namespaces.for(request.namespace);
  return request.key === undefined
    ? deriveBaseKey(ns, request.route, request.input)
    : deriveCustomBaseKey(ns, request.key);
}

/** Run a store invalidation; its failure rejects (a `StoreError`), since the caller must know. */
async function invalidateWith(
  calls: StoreCalls,
  operation: 'invalidate' | 'invalidateTags',
  call: () => MaybePromise<number>,
): Promise<number> {
  const started = calls.start();
  try {
    return await call();
  } catch (cause) {
    throw calls.fail(operation, cause, 'ROUTECACHE_STORE_ERROR', started);
  }
}

/**
 * Create a cache: keys, lookups, single-flight fills, stale serving, invalidation and events
 * over one {@link CacheStore}. Options are validated and defaults resolved here, once.
 *
 * This function wires the engine's units together; each step of a call is one of them (see
 * "How a call flows" in the package README): {@link Lookup} serves or loads, {@link Fills} runs
 * the single fill of a key, `createCommitter` stores it, {@link CacheEvents} reports.
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
  const { store, namespace } = resolved;
  const units = engineUnits(resolved, options.purger);
  const { events, calls, flights, lookup, namespaces, purges } = units;
  store.onEvict?.((key, reason, layer) => events.evicted(key, reason, layer));
  // Invalidations the store learns of elsewhere (another instance, over a bus) detach fills in
  // flight too, exactly like this cache's own invalidate/invalidateTags.
  const stopInvalidations = store.onInvalidate?.((invalidation) => flights.drop(invalidation));

  const keyFor = (request: KeyRequest): string => baseKeyOf(namespaces, request);

  return {
    namespace,
    store,
    keyFor,
    getOrLoad<T>(request: LoadRequest<T>): Promise<LoadResult<T>> {
      return lookup.run(request as EngineRequest, request.baseKey, false) as Promise<LoadResult<T>>;
    },
    call<T, F>(request: CallRequest<T, F>): MaybePromise<CallResult<T, F>> {
      let baseKey: string;
      try {
        baseKey = keyFor(request);
      } catch (error) {
        if (KeyError.is(error)) {
          events.bypass(request.route, 'unkeyable');
          return Promise.resolve({ outcome: 'unkeyable', error });
        }
        return Promise.reject(error);
      }
      return lookup.run(request as EngineRequest, baseKey, true) as MaybePromise<CallResult<T, F>>;
    },
    async invalidate(baseKey) {
      // Callers arriving from now on must not join a fill that started before this invalidation.
      flights.dropBaseKey(baseKey);
      const removed = await invalidateWith(calls, 'invalidate', () =>
        store.invalidate(baseKey),
      ).finally(() => purges?.baseKeys([baseKey]));
      events.invalidated([baseKey], NO_TAGS, removed);
      return removed;
    },
    async invalidateTags(tags) {
      flights.dropTags(tags);
      const removed = await invalidateWith(calls, 'invalidateTags', () =>
        store.invalidateTags(tags),
      ).finally(() => purges?.tags(tags));
      events.invalidated(NO_TAGS, tags, removed);
      return removed;
    },
    bypassed(route, reason) {
      events.bypass(route, reason);
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
