// The curated public surface of @routecache/core. Each module adds its named exports here.
export {
  binaryCodec,
  codecMap,
  decodeEnvelope,
  defaultCodec,
  devalueCodec,
  encodeEnvelope,
} from './codec/index.js';
export type { Codec } from './codec/types.js';
export { createCache } from './engine/create-cache.js';
export { DEFAULT_LEASE_TIMEOUT, DEFAULT_STORE_TIMEOUT, DEFAULT_TTL } from './engine/options.js';
export type {
  Cache,
  CacheEventMap,
  CacheListener,
  CacheOptions,
  CacheStatus,
  CallRequest,
  CallResult,
  EntryPolicy,
  KeyRequest,
  Loaded,
  LoadRequest,
  LoadResult,
  NamespacePolicy,
  StreamLimits,
} from './engine/types.js';
export {
  CodecError,
  ConfigurationError,
  InvalidOptionError,
  KeyError,
  RoutecacheError,
  type RoutecacheErrorCode,
  type RoutecacheErrorOptions,
  StoreError,
  type UnkeyableReason,
} from './errors.js';
export { sha256, sha256Base64Url } from './hash.js';
export {
  type CacheableResponseOptions,
  type CacheControlDirectives,
  type CallCachePolicy,
  combineEtags,
  etagMatches,
  isCacheableResponse,
  isValidEtag,
  MAX_IF_NONE_MATCH_ENTRIES,
  MAX_IF_NONE_MATCH_LENGTH,
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
// @internal: option checks shared with the adapters (not for app authors).
export {
  type NumberRule,
  numberOption,
  optionKeys,
  optionsObject,
  received,
  typeName,
} from './options/validate.js';
export type { Bus, BusHandlers, BusMessage } from './stores/bus.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTRY_SIZE,
  type MemoryStoreOptions,
  memoryStore,
} from './stores/memory.js';
export { type TieredStoreOptions, tieredStore } from './stores/tiered.js';
export type {
  CacheEntry,
  CacheStore,
  EntryAddress,
  EvictionReason,
  Fence,
  Lease,
  StoreInvalidation,
  StreamRecord,
} from './stores/types.js';
export { ENTRY_FORMAT, UNAVAILABLE_FENCE } from './stores/types.js';
export type { MaybePromise } from './types.js';
export { type WarningCode, warnOnce } from './warn.js';
