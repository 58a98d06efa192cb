// The public surface of @routecache/core: what an app author writes. Adapter and store authors
// import the rest from `@routecache/core/adapter` (see adapter.ts for the contract).
export { binaryCodec, defaultCodec, devalueCodec } from './codec/index.js';
export type { Codec } from './codec/types.js';
export { createCache } from './engine/create-cache.js';
export type {
  Cache,
  CacheEventMap,
  CacheListener,
  CacheOptions,
  CacheStatus,
  NamespacePolicy,
} from './engine/types.js';
export {
  CodecError,
  ConfigurationError,
  InvalidOptionError,
  KeyError,
  RoutecacheError,
  type RoutecacheErrorCode,
  StoreError,
  type UnkeyableReason,
} from './errors.js';
export type { Bus } from './stores/bus.js';
export { type MemoryStoreOptions, memoryStore } from './stores/memory.js';
export { type TieredStoreOptions, tieredStore } from './stores/tiered.js';
export type { CacheEntry, CacheStore, EvictionReason, EvictListener } from './stores/types.js';
