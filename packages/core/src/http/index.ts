// Pure HTTP caching helpers (RFC 9110 / RFC 9111). Curated: syntax primitives stay internal.
export { type CacheControlDirectives, parseCacheControl } from './cache-control.js';
export {
  type CallCachePolicy,
  strictestCacheControl,
  strictestCdnCacheControl,
} from './cache-policy.js';
export {
  etagMatches,
  MAX_IF_NONE_MATCH_ENTRIES,
  MAX_IF_NONE_MATCH_LENGTH,
  OMITTED_304_HEADERS,
} from './conditional.js';
export { combineEtags, isValidEtag, strongEtag, validEtag } from './etag.js';
export { type CacheableResponseOptions, isCacheableResponse } from './storable.js';
export { mergeVary, normalizeVaryOption, parseVaryHeader } from './vary.js';
