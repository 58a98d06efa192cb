import type { Purger, PurgerOptions } from '../cdn/purges.js';
import type { Codec } from '../codec/types.js';
import type { KeyError, PurgeError, StoreError } from '../errors.js';
import type { NamespacePolicy } from '../keying/namespace.js';
import type { CacheEntry, CacheStore, EvictionReason } from '../stores/types.js';
import type { MaybePromise } from '../types.js';

export type { NamespacePolicy };

/**
 * Options of {@link createCache}, validated once at factory time.
 *
 * @example
 * ```ts
 * const options: CacheOptions = { namespace: 'api', ttl: 30, jitter: 0.1, staleWhileRevalidate: 60 };
 * const cache = createCache(options);
 * ```
 */
export interface CacheOptions {
  /** Where entries live. @default memoryStore() */
  store?: CacheStore;
  /** Root namespace prefixed to every key. @default undefined (none) */
  namespace?: string;
  /** How a route's namespace combines with the root one. @default 'concat' */
  namespacePolicy?: NamespacePolicy;
  /** Codec for encoding values (ETag bytes, out-of-process stores). @default the core default codec */
  codec?: Codec;
  /** Extra codecs accepted when reading (migration between codecs). */
  readCodecs?: readonly Codec[];
  /** Default time to live, seconds. @default 60 */
  ttl?: number;
  /** Random extra ttl, as a fraction of ttl in [0, 1], spreading expiries. @default 0 */
  jitter?: number;
  /** Default window (seconds) after ttl in which a stale entry is served while one refresh runs. @default 0 */
  staleWhileRevalidate?: number;
  /** Default window (seconds) after ttl in which a stale entry is served if the loader fails. @default 0 */
  staleIfError?: number;
  /**
   * Budget (ms) for one store call before it counts as a failure (fail-open). A store that bounds
   * its own calls (`boundsCalls`: the Redis store, by its `timeout`) keeps its budget instead.
   * @default 50
   */
  storeTimeout?: number;
  /**
   * For stores shared between instances (those with `acquireLease`, e.g. Redis): how long (ms)
   * one instance's load holds a key's lease while the other instances wait for its fill instead
   * of loading too. A waiter that sees no fill by then loads itself. @default 5000
   */
  leaseTimeout?: number;
  /**
   * Purge a CDN on every invalidation (`invalidate`, `invalidateTags`, and so everything built on
   * them), by the same surrogate keys the HTTP glue puts on public responses. A purger function
   * or one with its timing; built-ins in `@routecache/core/cdn`. The invalidation waits for the
   * first attempt at most `timeout` and never fails because of it; failures are retried in the
   * background and reported as `purgeError` events. Only the instance that invalidates purges:
   * invalidations arriving over a bus do not. @default undefined (no CDN)
   */
  purger?: Purger | PurgerOptions;
}

/**
 * Per-call overrides a lookup may carry (from a route's options).
 *
 * @example
 * ```ts
 * const policy: EntryPolicy = { ttl: 5, staleIfError: 300 };
 * await cache.getOrLoad({ baseKey, ...policy, load });
 * ```
 */
export interface EntryPolicy {
  ttl?: number;
  staleWhileRevalidate?: number;
  staleIfError?: number;
}

/**
 * Cache status of one call, as reported in `X-Cache`.
 *
 * @example
 * ```ts
 * const { status } = await cache.getOrLoad({ baseKey, load });
 * res.setHeader('x-cache', status satisfies CacheStatus);
 * ```
 */
export type CacheStatus = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/**
 * What to look up or fill.
 *
 * @example
 * ```ts
 * const request: LoadRequest<User> = {
 *   baseKey: cache.keyFor({ route: 'users.get', input: { id: 42 } }),
 *   variant: deriveVariant([['accept-language', 'fr']], undefined),
 *   tags: ['users'],
 *   load: () => db.users.find(42),
 * };
 * const { value } = await cache.getOrLoad(request);
 * ```
 */
export interface LoadRequest<T> extends EntryPolicy {
  /** From {@link Cache.keyFor}. */
  baseKey: string;
  /**
   * The route id the events report (e.g. the tRPC procedure path `users.get`): never derived
   * from the key, so a metric never sees an input. {@link Cache.call} takes it from its `route`.
   * @default undefined (events report no route)
   */
  route?: string | undefined;
  /** From `deriveVariant` (vary header values, private principal); `''` for none. */
  variant?: string;
  tags?: readonly string[];
  /**
   * Produce the value on a miss. Its rejection is never cached. It may produce a stream (an
   * async iterable): see {@link LoadRequest.stream}.
   */
  load: () => Promise<T>;
  /**
   * Decide after loading whether the value may be stored (e.g. not when the response says
   * `Vary: *`). For a stream (`kind` `'stream'`) it is asked when `load` returns it, before it is
   * read: `false` hands the stream back untouched and stores nothing (e.g. for a transport that
   * refuses streams unread, so no fill waits on a reader that never comes). @default always
   */
  cacheable?: (value: T, kind: CacheEntry['kind']) => boolean;
  /** An ETag the endpoint set itself, kept verbatim instead of hashing. */
  etag?: (value: T) => string | undefined;
  /**
   * Bounds on buffering a stream `load` returns. With them the stream is filled like a value:
   * under the fence taken before `load` ran, its chunks pass through to the caller as they come
   * and are stored when it completes cleanly (not on an error, an early stop, or past a bound);
   * a hit replays the chunks and the return value. Callers that join the fill run their own
   * `load` (a stream has one reader). Without them a stream is served uncached.
   */
  stream?: StreamLimits /**
   * Hand a background refresh (a stale entry served under `staleWhileRevalidate`) to the host, so
   * it outlives the response that served the stale value: on Cloudflare Workers the fetch
   * handler's `ctx.waitUntil`. A host that stops a request's work once its response is sent
   * (workerd) otherwise strands the refresh mid-load: it never stores, and the key keeps serving
   * the stale entry. Node.js needs none.
   */;
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

/**
 * Bounds on buffering a stream for storage ({@link LoadRequest.stream}). Past either bound the
 * stream keeps flowing to its caller; it is just not stored.
 *
 * @example
 * ```ts
 * await cache.getOrLoad({ baseKey, stream: { maxChunks: 10_000, maxBytes: 1 << 20 }, load: () => rows() });
 * ```
 */
export interface StreamLimits {
  /** Most chunks kept. */
  readonly maxChunks: number;
  /** Most bytes kept, counted as the chunks' JSON length. */
  readonly maxBytes: number;
}

/**
 * The outcome of {@link Cache.getOrLoad}.
 *
 * @example
 * ```ts
 * const result: LoadResult<User> = await cache.getOrLoad({ baseKey, load });
 * if (result.status === 'HIT') res.setHeader('etag', result.etag ?? '');
 * ```
 */
export interface LoadResult<T> {
  /** Discriminates a served call from the other {@link CallResult} cases. */
  outcome: 'served';
  value: T;
  status: CacheStatus;
  /** The entry's ETag, when the value was stored or served from the cache. */
  etag: string | undefined;
  /** Seconds of freshness left (for Cache-Control max-age), 0 when stale or not stored. */
  maxAge: number;
  /**
   * What `value` is: a plain value, or (`'stream'`) an async iterable — the stream `load`
   * returned on a miss, or a replay of the stored chunks and return value on a hit, stale or
   * not. Callers must rely on it rather than on the value's shape: a plain value may look like
   * a stream record, and comes back as that value.
   */
  kind: CacheEntry['kind'];
}

/**
 * Key derivation input for {@link Cache.keyFor}.
 *
 * @example
 * ```ts
 * cache.keyFor({ route: 'users.get', input: { id: 42 } }); // 'api|users.get|{"id":42}'
 * cache.keyFor({ route: 'users.get', key: 'user:42', namespace: 'v2' }); // 'api:v2|user:42'
 * ```
 */
export interface KeyRequest {
  /** Route id, e.g. the tRPC procedure path `users.get`. */
  route: string;
  /** The parsed input. Ignored when `key` is given. */
  input?: unknown;
  /** A custom key that replaces route + input. */
  key?: string | undefined;
  /** The route's own namespace, combined with the root one by the cache's policy. */
  namespace?: string | undefined;
}

/**
 * What the loader of a {@link CallRequest} returns: its value, or a failure the engine hands back
 * untouched — never stored, and given as is to every caller that joined this fill.
 *
 * @example
 * ```ts
 * const load = async (): Promise<Loaded<User, Problem>> => {
 *   const user = await db.users.find(42);
 *   return user === undefined ? { ok: false, failure: { code: 404 } } : { ok: true, value: user };
 * };
 * ```
 */
export type Loaded<T, F> = { ok: true; value: T } | { ok: false; failure: F };

/**
 * One call through the cache ({@link Cache.call}): the parts of its key, its variant, tags and
 * policy, and a loader that returns a {@link Loaded} result instead of throwing for a failure.
 *
 * @example
 * ```ts
 * const request: CallRequest<User, Problem> = {
 *   route: 'users.get',
 *   input: { id: 42 },
 *   tags: ['users'],
 *   load: async () => ({ ok: true, value: await db.users.find(42) }),
 * };
 * ```
 */
export interface CallRequest<T, F> extends KeyRequest, EntryPolicy {
  /** From `deriveVariant` (vary header values, private principal); `''` for none. */
  variant?: string;
  tags?: readonly string[];
  load: () => Promise<Loaded<T, F>>;
  /** As {@link LoadRequest.cacheable}. */
  cacheable?: (value: T, kind: CacheEntry['kind']) => boolean;
  /** As {@link LoadRequest.etag}. */
  etag?: (value: T) => string | undefined;
  /** As {@link LoadRequest.stream}. */
  stream?: StreamLimits /** As {@link LoadRequest.waitUntil}. */;
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

/**
 * The outcome of {@link Cache.call}: served (a hit, a stale entry or a fresh load), the loader's
 * failure, or an input that cannot be keyed (the caller serves it uncached).
 *
 * @example
 * ```ts
 * const result = await cache.call(request);
 * if (result.outcome === 'served') send(result.value, result.status);
 * else if (result.outcome === 'failed') sendProblem(result.failure);
 * else send(await loadUncached(), 'BYPASS'); // 'unkeyable': result.error says why
 * ```
 */
export type CallResult<T, F> =
  | LoadResult<T>
  | { outcome: 'failed'; failure: F }
  | { outcome: 'unkeyable'; error: KeyError };

/**
 * Payloads of the events a cache emits.
 *
 * @example
 * ```ts
 * cache.on('storeError', ({ operation, error }: CacheEventMap['storeError']) => {
 *   log.warn({ operation, code: error.code }, 'cache store unavailable');
 * });
 * ```
 */
export interface CacheEventMap {
  hit: KeyedEvent;
  /** No usable entry: this caller starts the fill (`filled` reports its end). */
  miss: KeyedEvent;
  /** A stale entry served: while one refresh runs (`revalidate`) or because the load failed (`error`). */
  stale: KeyedEvent & { reason: 'revalidate' | 'error' };
  /** A miss that joined the fill already in flight for its key instead of loading. */
  coalesced: KeyedEvent;
  stored: { key: string; baseKey: string; size: number; route: string | undefined };
  /**
   * A value was served but not stored (uncacheable, codec refused, fenced out by an
   * invalidation, store failed, or a stream that failed, stopped early or outgrew its bounds).
   */
  skipped: {
    key: string;
    baseKey: string;
    reason: 'uncacheable' | 'codec' | 'invalidated' | 'store' | 'aborted';
  };
  /**
   * A fill ended (a miss's, or a stale entry's background refresh): `fillMs` from its start
   * (fence, lease, load, encode, store) to its outcome — `stored`, `skipped` (served, not
   * stored), `failed` (the loader failed or threw) or `stream` (a stream handed to its reader,
   * stored or skipped when it ends).
   */
  filled: {
    key: string;
    baseKey: string;
    route: string | undefined;
    fillMs: number;
    outcome: 'stored' | 'skipped' | 'failed' | 'stream';
  };
  /** A call an adapter served without the cache (`BYPASS`), for `reason`: see {@link BypassReason}. */
  bypass: { route: string; reason: BypassReason };
  invalidated: { baseKeys: readonly string[]; tags: readonly string[]; removed: number };
  /**
   * A store call failed or timed out (the call went on without the cache): `durationMs` is how
   * long it ran until then — `0` unless a `storeError` listener was added before it started
   * (no clock is read while nobody listens), and `0` for a `get` that threw synchronously while
   * no lookup event is heard (a memory lookup reads no clock for `storeError` alone).
   */
  storeError: { operation: string; error: StoreError; durationMs: number };
  /** A CDN purge (the `purger` option) was accepted, after `attempts` tries. */
  purged: { keys: readonly string[]; attempts: number };
  /** A CDN purge attempt failed; `willRetry` says whether it is tried again later. */
  purgeError: {
    keys: readonly string[];
    error: PurgeError;
    attempts: number;
    willRetry: boolean;
  };
  /**
   * The store dropped an entry on its own; `layer` is the store layer that dropped it, as the
   * store reports it (its `onEvict` listener's third argument): undefined for a store that does not say.
   */
  evicted: { key: string; reason: EvictionReason; layer: StoreLayer | undefined };
}

/**
 * Where a lookup was answered: `L1` when the store answered synchronously (an in-process store,
 * or a tiered store's L1), `L2` when it answered with a promise (Redis, or a tiered store's L2).
 *
 * @example
 * ```ts
 * cache.on('hit', ({ layer }: { layer: StoreLayer }) => hits[layer]++);
 * ```
 */
export type StoreLayer = 'L1' | 'L2';

/**
 * Why a call was served without the cache: its input cannot be keyed (`unkeyable`), a private
 * route had no principal to key it by (`no-principal`), an HTTP call came without the adapter's
 * context (`no-context`), or the cache itself failed before the loader ran (`cache-error`).
 *
 * @example
 * ```ts
 * cache.on('bypass', ({ route, reason }: { route: string; reason: BypassReason }) => log.debug({ route, reason }));
 * ```
 */
export type BypassReason = 'unkeyable' | 'no-principal' | 'no-context' | 'cache-error';

/**
 * What every lookup event carries: the storage and base key, the call's route (its
 * {@link LoadRequest.route}), the {@link StoreLayer} that answered, and `lookupMs`, the time from
 * the call's start to this event — `0` unless a listener of a lookup event was added before the
 * call started (no clock is read for a cache nobody listens to).
 *
 * @example
 * ```ts
 * cache.on('hit', ({ route, layer, lookupMs }: KeyedEvent) => histogram.record(lookupMs, { route, layer }));
 * ```
 */
export interface KeyedEvent {
  key: string;
  baseKey: string;
  route: string | undefined;
  layer: StoreLayer;
  lookupMs: number;
}

/**
 * A listener for one event type.
 *
 * @example
 * ```ts
 * const countHits: CacheListener<'hit'> = ({ baseKey }) => metrics.increment('cache.hit', { baseKey });
 * const off = cache.on('hit', countHits);
 * ```
 */
export type CacheListener<E extends keyof CacheEventMap> = (payload: CacheEventMap[E]) => void;

/**
 * A cache: routecache's engine. Made by `createCache`.
 *
 * @example
 * ```ts
 * const cache: Cache = createCache({ namespace: 'api' });
 * const baseKey = cache.keyFor({ route: 'users.get', input: { id: 42 } });
 * const { value } = await cache.getOrLoad({ baseKey, load: () => db.users.find(42) });
 * await cache.invalidate(baseKey); // every variant, resolves to the count removed
 * ```
 */
export interface Cache {
  /** The resolved root namespace. */
  readonly namespace: string | undefined;
  readonly store: CacheStore;
  /** The base key for a route + input (or custom key), with namespaces applied. */
  keyFor(request: KeyRequest): string;
  /**
   * One call: derive its key from the parts, then as {@link Cache.getOrLoad}, with the loader's
   * failure returned as a result rather than thrown. An adapter's whole cache step.
   *
   * A hit in a synchronous store (memory) is the result itself, not a promise, so an adapter
   * can serve it without waiting a microtask; anything else is a promise, and a failure of the
   * cache is always a rejected promise, never thrown. `await` it either way:
   * `const result = await cache.call(request)`. (A public createCaller hit through tRPC,
   * callgrind, ioredis not loaded: 107.2k → 104.8k instructions when the adapter skips the
   * `await`.)
   */
  call<T, F>(request: CallRequest<T, F>): MaybePromise<CallResult<T, F>>;
  /**
   * Return the cached value for the request, or run `load` once (single-flight across concurrent
   * callers of the same storage key), store its result, and return it. A stream is filled as
   * described at {@link LoadRequest.stream}.
   */
  getOrLoad<T>(request: LoadRequest<T>): Promise<LoadResult<T>>;
  /** Remove every variant of `baseKey`; resolves to the count removed. Wins over fills in flight. */
  invalidate(baseKey: string): Promise<number>;
  /** Remove every entry carrying any of `tags`; resolves to the count removed. */
  invalidateTags(tags: readonly string[]): Promise<number>;
  /**
   * Report a call an adapter served without the cache, as a `bypass` event (costs one property
   * read when nobody listens). `call` reports `unkeyable` inputs itself.
   *
   * @example
   * ```ts
   * if (principal === undefined) {
   *   cache.bypassed('users.me', 'no-principal');
   *   return next();
   * }
   * ```
   */
  bypassed(route: string, reason: BypassReason): void;
  /** Subscribe to an event; returns the unsubscribe function. Emitting costs nothing without listeners. */
  on<E extends keyof CacheEventMap>(event: E, listener: CacheListener<E>): () => void;
  /** Release the store. */
  dispose(): Promise<void>;
}
