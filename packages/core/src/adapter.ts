/**
 * `@routecache/core/adapter`: the contract a framework adapter (`@routecache/trpc`,
 * `@routecache/orpc`) or a store/bus implementation builds on. App authors never import it; they
 * use the root `@routecache/core` and the adapter's own package.
 *
 * ## What a framework adapter writes
 * Only what is its framework's; the cache step and the HTTP glue are here:
 * - A middleware over {@link CachedCall} (one per `cacheMiddleware(options)`, made with its
 *   marker and {@link RouteKeyFunctions} by {@link routeCaches}): it hands each call as an
 *   {@link AdapterCall} (dotted `path`, **parsed** `input`, `ctx`, `batchIndex`, `signal`) and
 *   gives a {@link CallBinding} — `next` (run the rest of the chain with the context addition
 *   `setETag` reports to; answer a {@link Loaded}), `served` / `failed` (the framework's
 *   result), `errorCode`, `assertUsable` (placement checks), `glue` (how to install the
 *   context). `CachedCall` does scope and principal, variant, tags and path tags, the engine
 *   call, fail-open, the per-call {@link RequestCacheState} record and surrogate keys;
 *   {@link routeBaseKey} gives the same key for `keyFor` / typed invalidation.
 * - A context step: a {@link RequestCacheState} per request ({@link requestStateFor}) with its
 *   request and response headers ({@link headerReader}), `callCount`, `streamed`, put into the
 *   framework's context with {@link contextWithState} and given the glue's options with
 *   {@link applyHttpGlue} (validated once by {@link resolveHttpCacheOptions}).
 * - The response step: {@link answerResponse} folds the records into the headers to set and
 *   whether to answer `304`; {@link withHttpCache} (fetch) and {@link withNodeHttpCache}
 *   (Node) apply it, and an adapter whose framework has its own response type (oRPC's standard
 *   response) applies the same answer there.
 *
 * ## Engine calls (what `CachedCall` makes)
 * Per cached call, one:
 * 1. {@link deriveVariant} over the variant inputs (the request headers named by `vary`, the
 *    private principal); `''` when nothing varies.
 * 2. {@link Cache.call} with a {@link CallRequest}: the key parts (route id, the **parsed**
 *    input or a custom `key`, the route's namespace), the variant, tags, the entry policy
 *    ({@link EntryPolicy}: ttl, stale windows), `load` (runs the resolver once per storage key
 *    across concurrent callers and answers a {@link Loaded}: `{ ok: true, value }` or
 *    `{ ok: false, failure }`, never stored), `cacheable`, `etag` and, for streams,
 *    {@link StreamLimits}. It answers a {@link CallResult}: `served` (a {@link LoadResult}:
 *    value, {@link CacheStatus}, ETag, `maxAge`, kind), `failed` (the loader's failure, passed
 *    through) or `unkeyable` (the input cannot be keyed: serve it uncached, `BYPASS`). A memory
 *    hit is that result itself, anything else a promise of it (a cache failure a rejected one).
 * 3. Invalidation: {@link Cache.keyFor} with a {@link KeyRequest} gives the base key every
 *    variant shares; {@link Cache.invalidate} removes them all, {@link Cache.invalidateTags}
 *    removes by tag. ({@link Cache.getOrLoad} is the lower-level lookup `call` is built on, for
 *    callers that derive keys themselves.)
 *
 * ## Key parts
 * `route` + canonical input ({@link encodeCanonical}, bounded by {@link MAX_INPUT_LENGTH}) or a
 * custom key ({@link deriveCustomBaseKey}), under the namespaces ({@link resolveNamespace},
 * {@link validateNamespace}); then the variant; {@link storageKey} joins them (at most
 * {@link MAX_KEY_BYTES}) and {@link baseKeyOfStorageKey} splits them for stores.
 *
 * ## HTTP fold helpers
 * Several calls can share one HTTP response (batching). Fold them with
 * {@link strictestCacheControl} (one {@link CallCachePolicy} per call), {@link combineEtags},
 * {@link mergeVary}; answer conditional requests with {@link etagMatches} and drop the headers
 * {@link OMITTED_304_HEADERS} lists from a 304; ask {@link isCacheableResponse} before storing.
 *
 * ## Invariants every adapter keeps
 * - **Auth before cache**: the cache step runs after whatever authenticates the caller, so a
 *   hit is never served to a caller the resolver would have refused.
 * - **Parsed input**: keys are derived from the validated input, never the raw request body.
 * - **Private by default**: an entry is keyed by the caller's principal (a `deriveVariant`
 *   part) whenever there is one, unless the route declares itself public.
 * - **Never store `Set-Cookie`**: a response that sets one is not cacheable
 *   ({@link isCacheableResponse}).
 * - Options are validated once, at factory time, with the helpers below
 *   ({@link optionsObject}, {@link optionKeys}, {@link numberOption}); risky but valid setups
 *   warn once through {@link warnOnce}.
 *
 * Stores implement {@link CacheStore} (addresses, fences, leases, invalidation events) and can
 * run the shared suite from `@routecache/core/testing`.
 *
 * @example
 * ```ts
 * import { createCache } from '@routecache/core';
 * import { deriveVariant } from '@routecache/core/adapter';
 *
 * const cache = createCache({ namespace: 'api' });
 * const variant = deriveVariant([['accept-language', 'en']], 'user-7');
 * const result = await cache.call({
 *   route: 'users.get',
 *   input: { id: 42 },
 *   variant,
 *   load: async () => ({ ok: true, value: await db.find(42) }),
 * });
 * if (result.outcome === 'served') console.log(result.status, result.value);
 * ```
 * @packageDocumentation
 */
export { type AdapterCall, CachedCall, type CallBinding } from './adapter/cached-call.js';
export type { CdnName } from './adapter/cdn.js';
export { cachedResponse, withHttpCache } from './adapter/fetch.js';
export { answerResponse, type ResponseAnswer } from './adapter/fold.js';
export {
  applyHttpGlue,
  type HttpCacheOptions,
  resolveHttpCacheOptions,
} from './adapter/http-options.js';
export { assertUserTag, PATH_TAG_PREFIX } from './adapter/path-tags.js';
export {
  contextWithState,
  existingRequestState,
  type HeaderReader,
  headerReader,
  nodeResponseHeaders,
  RequestCacheState,
  requestHeaderReader,
  requestStateFor,
  requestStateOf,
} from './adapter/request-state.js';
export { type EntityTag, setETag } from './adapter/resolver-etag.js';
export {
  type RouteCache,
  type RouteKeyFunctions,
  routeCaches,
} from './adapter/route-cache.js';
export { routeBaseKey } from './adapter/route-key.js';
export {
  type CacheMiddlewareOptions,
  type CacheSetup,
  DEFAULT_STREAM_MAX_BYTES,
  DEFAULT_STREAM_MAX_CHUNKS,
  type ResolvedRouteOptions,
  type RouteKeyArgs,
  resolveRouteOptions,
  resolveSetup,
} from './adapter/route-options.js';
export {
  type CallTags,
  decodeCallTags,
  decodeInvalidation,
  encodeCallTags,
  encodeInvalidation,
  INVALIDATE_HEADER,
  type Invalidation,
  MAX_WIRE_HEADER_BYTES,
  TAGS_HEADER,
} from './adapter/wire-headers.js';
export { decodeEnvelope, encodeEnvelope } from './codec/envelope.js';
export type {
  BypassReason,
  CallRequest,
  CallResult,
  EntryPolicy,
  KeyedEvent,
  KeyRequest,
  Loaded,
  LoadRequest,
  LoadResult,
  StoreLayer,
  StreamLimits,
} from './engine/types.js';
export type { RoutecacheErrorOptions } from './errors.js';
export {
  type CacheableResponseOptions,
  type CacheControlDirectives,
  type CallCachePolicy,
  combineEtags,
  etagMatches,
  isCacheableResponse,
  isValidEtag,
  mergeVary,
  normalizeVaryOption,
  OMITTED_304_HEADERS,
  parseCacheControl,
  parseVaryHeader,
  strictestCacheControl,
  strictestCdnCacheControl,
  strongEtag,
} from './http/index.js';
export {
  deriveBaseKey,
  deriveCustomBaseKey,
  deriveVariant,
  encodeCanonical,
  MAX_INPUT_LENGTH,
  MAX_KEY_BYTES,
  resolveNamespace,
  storageKey,
  validateNamespace,
} from './keying/index.js';
export { baseKeyOfStorageKey } from './keying/storage-key.js';
export {
  type NumberRule,
  numberOption,
  optionKeys,
  optionsObject,
  received,
  typeName,
} from './options/validate.js';
export type { BusHandlers, BusMessage } from './stores/bus.js';
export type {
  EntryAddress,
  Fence,
  Lease,
  StoreInvalidation,
  StoreStats,
  StreamRecord,
} from './stores/types.js';
export { ENTRY_FORMAT, UNAVAILABLE_FENCE } from './stores/types.js';
export type { MaybePromise } from './types.js';
export { type WarningCode, warnOnce } from './warn.js';
