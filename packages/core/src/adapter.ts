/**
 * `@routecache/core/adapter`: the contract a framework adapter (tRPC today, oRPC next) or a
 * store/bus implementation builds on. App authors never import it; they use the root
 * `@routecache/core` and the adapter's own package.
 *
 * ## Engine calls an adapter makes
 * Per cached call, in this order:
 * 1. {@link Cache.keyFor} with a {@link KeyRequest}: the route id, the **parsed** input (or a
 *    custom `key`) and the route's namespace. It yields the base key all variants share.
 * 2. {@link deriveVariant} over the variant inputs (the request headers named by `vary`, the
 *    private principal); `''` when nothing varies.
 * 3. {@link Cache.getOrLoad} with a {@link LoadRequest}: base key, variant, tags, the entry
 *    policy ({@link EntryPolicy}: ttl, stale window), `load` (runs the resolver once per storage
 *    key across concurrent callers), `cacheable` and, for streams, {@link StreamLimits}. It
 *    resolves to a {@link LoadResult}: value, {@link CacheStatus}, ETag, `maxAge`, kind.
 * 4. Invalidation: {@link Cache.invalidate} (every variant of a base key) and
 *    {@link Cache.invalidateTags}.
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
 * const baseKey = cache.keyFor({ route: 'users.get', input: { id: 42 } });
 * const variant = deriveVariant([['accept-language', 'en']], 'user-7');
 * const { value, status } = await cache.getOrLoad({ baseKey, variant, load: () => db.find(42) });
 * ```
 * @packageDocumentation
 */
export { decodeEnvelope, encodeEnvelope } from './codec/envelope.js';
export type {
  EntryPolicy,
  KeyRequest,
  LoadRequest,
  LoadResult,
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
  StreamRecord,
} from './stores/types.js';
export { ENTRY_FORMAT, UNAVAILABLE_FENCE } from './stores/types.js';
export type { MaybePromise } from './types.js';
export { type WarningCode, warnOnce } from './warn.js';
