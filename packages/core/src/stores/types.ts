import { ENTRY_FORMAT } from '../codec/types.js';
import type { StoreLayer } from '../engine/types.js';
import type { MaybePromise } from '../types.js';

// Defined with the codec's envelope (a lower layer); stores and engine use it from here too.
export { ENTRY_FORMAT };

/**
 * What a cached stream holds: its chunks in order and the generator's return value.
 *
 * @example
 * ```ts
 * const record: StreamRecord = { chunks: [1, 2, 3], returnValue: 'done' };
 * const entry = testEntry(record, { kind: 'stream' });
 * ```
 */
export interface StreamRecord {
  readonly chunks: readonly unknown[];
  readonly returnValue: unknown;
}

/**
 * One cached entry, as the engine hands it to a store and gets it back.
 *
 * `value` is always the live value (for `kind: 'stream'` a {@link StreamRecord}). `bytes`, when
 * present, is the codec's encoding of `value`, made once at fill time: stores that keep values
 * out of process (Redis) write these bytes and decode on read; the memory store ignores them and
 * keeps `value` itself (a hit is the live object: no copy, no decode).
 *
 * @example
 * ```ts
 * const entry: CacheEntry | undefined = await store.get(key);
 * if (entry !== undefined && Date.now() < entry.freshUntil) return entry.value;
 * ```
 */
export interface CacheEntry {
  readonly format: typeof ENTRY_FORMAT;
  /** Id of the codec that produced `bytes` (and that decodes them). */
  readonly codec: string;
  readonly kind: 'value' | 'stream';
  readonly value: unknown;
  readonly bytes?: Uint8Array | undefined;
  /** Strong ETag (quoted), computed once at fill time, or preserved from the endpoint. */
  readonly etag: string | undefined;
  /** Epoch milliseconds. */
  readonly storedAt: number;
  /** Epoch ms after which the entry is stale. */
  readonly freshUntil: number;
  /** Epoch ms after which the entry must not be served at all; stores expire it then. */
  readonly staleUntil: number;
  readonly tags: readonly string[];
  /**
   * The encoded length in bytes. In-process bounds (memory store, decode memo) do not use it:
   * they estimate what the entry keeps alive (live value, bytes, keys).
   */
  readonly size: number;
}

/**
 * Where an entry lives: its storage key, the base key it is a variant of, and its tags.
 *
 * @example
 * ```ts
 * const address: EntryAddress = { key: storageKey(baseKey, variant), baseKey, tags: ['users'] };
 * await store.set(address, entry, await store.fence(address));
 * ```
 */
export interface EntryAddress {
  /** Storage key: base key + variant digest. */
  readonly key: string;
  /** Base key: namespace + route + canonical input (or custom key). Invalidation works on it. */
  readonly baseKey: string;
  readonly tags: readonly string[];
}

/**
 * An opaque snapshot of the invalidation state of an address, taken before a loader runs.
 * `set` with a fence commits only if neither the base key nor any tag was invalidated since.
 *
 * @example
 * ```ts
 * const fence: Fence = await store.fence(address);
 * const value = await load();
 * await store.set(address, entryOf(value), fence); // false when invalidated meanwhile
 * ```
 */
export type Fence = { readonly __fence: unique symbol } | object;

/**
 * A cross-instance stampede lease on one storage key (see {@link CacheStore.acquireLease}).
 * The holder loads and stores the value, then releases; the others wait for its fill. Waiting is
 * bounded by the lease ttl and ends early when the holder releases without a fill: `undefined`
 * then means "load locally" (lease loss never hangs a request).
 *
 * @example
 * ```ts
 * const lease: Lease = await store.acquireLease(address, 5_000);
 * if (lease.acquired) await lease.release();
 * else await lease.wait(); // the holder's entry, or undefined: load locally
 * ```
 */
export type Lease =
  | { readonly acquired: true; release(): Promise<void> }
  | { readonly acquired: false; wait(): Promise<CacheEntry | undefined> };

/**
 * The fence a store returns when its backend cannot take one (it is down, or its circuit breaker
 * is open). `set` with it stores nothing; a tiered store then keeps the fill in its L1 alone.
 *
 * @example
 * ```ts
 * const fence = await l2.fence(address);
 * if (fence === UNAVAILABLE_FENCE) keepInL1Only();
 * ```
 */
export const UNAVAILABLE_FENCE: Fence = Object.freeze({ unavailable: true });

/**
 * An invalidation a store applied on behalf of someone else (another instance, over a bus), as
 * reported by {@link CacheStore.onInvalidate}: base keys, tags, storage keys, or everything.
 * Same shape as a tiered store's `BusMessage`.
 *
 * @example
 * ```ts
 * const invalidation: StoreInvalidation = { type: 'invalidateTags', tags: ['users'] };
 * ```
 */
export type StoreInvalidation =
  | { readonly type: 'invalidate'; readonly baseKeys: readonly string[] }
  | { readonly type: 'invalidateTags'; readonly tags: readonly string[] }
  | { readonly type: 'delete'; readonly keys: readonly string[] }
  | { readonly type: 'clear' };

/**
 * Why a store dropped an entry on its own.
 *
 * @example
 * ```ts
 * store.onEvict?.((key, reason: EvictionReason) => metrics.increment(`cache.evicted.${reason}`));
 * ```
 */
export type EvictionReason = 'capacity' | 'expired';

/**
 * A listener for entries a store drops on its own ({@link CacheStore.onEvict}): the storage key,
 * why, and which layer dropped it — `L1` for an in-process store (or a tiered store's L1), `L2`
 * for a tiered store's L2; a store that does not say leaves `layer` undefined.
 *
 * @example
 * ```ts
 * const listener: EvictListener = (key, reason, layer = 'L1') => log.debug({ reason, layer });
 * store.onEvict?.(listener);
 * ```
 */
export type EvictListener = (key: string, reason: EvictionReason, layer?: StoreLayer) => void;

/**
 * What a store reports of itself for gauges ({@link CacheStore.stats}): the bytes an in-process
 * store accounts for and its bound (`maxBytes`, `Infinity` when unbounded), and the state of a
 * shared store's circuit breaker (`open` while it refuses calls after failures).
 *
 * @example
 * ```ts
 * const { bytes = 0, maxBytes } = store.stats?.() ?? {};
 * ```
 */
export interface StoreStats {
  readonly bytes?: number | undefined;
  readonly maxBytes?: number | undefined;
  readonly breaker?: 'closed' | 'open' | undefined;
}

/**
 * The contract every store fulfils (memory, Redis, tiered, third-party). Run
 * `storeContractSuite` from `@routecache/core/testing` to prove a store keeps it.
 *
 * Methods may answer synchronously (memory) or with a promise (Redis); the engine awaits only
 * promises. A rejected promise or a thrown error is a store failure: the engine treats it as a miss.
 *
 * @example
 * ```ts
 * const store: CacheStore = memoryStore({ maxBytes: 64 * 1024 * 1024 });
 * const fence = await store.fence(address);
 * await store.set(address, entry, fence); // false if invalidated in between
 * ```
 */
export interface CacheStore {
  /** Short name for events and errors, e.g. `memory`, `redis`, `tiered`. */
  readonly name: string;
  /** True when entries leave the process, so the engine must provide `entry.bytes`. */
  readonly requiresBytes: boolean;
  /**
   * True when the store settles every call within its own time budget, failing or falling back
   * on its own (the Redis store's guard). The engine then sets no `storeTimeout` timer of its
   * own around the store's calls: one timer per call, not two. @default false
   */
  readonly boundsCalls?: boolean;
  /**
   * The entry at a storage key, or `undefined`. Expired entries (`staleUntil <= now`) are misses.
   *
   * `now` (optional) is the caller's `Date.now()` reading, taken just before the call: the engine
   * reads the clock once per lookup and judges the entry's freshness against the same reading,
   * so a store that answers synchronously can judge expiry against it instead of reading the
   * clock again (a clock read costs as much as an in-process lookup). Without it, the store reads
   * its own clock. A store answering later (a promise) should judge expiry when it answers, and
   * may ignore `now`; a store that never expires on read ignores it.
   *
   * @example
   * ```ts
   * get(key, now = Date.now()) {
   *   const entry = this.entries.get(key);
   *   return entry !== undefined && now < entry.staleUntil ? entry : undefined;
   * }
   * ```
   */
  get(key: string, now?: number): MaybePromise<CacheEntry | undefined>;
  /** Snapshot the invalidation state of `address` (its base key and tags) before loading. */
  fence(address: EntryAddress): MaybePromise<Fence>;
  /**
   * Store `entry` at `address` until `entry.staleUntil`, indexed under its base key and tags,
   * unless the base key or a tag was invalidated after `fence` was taken. Resolves to whether
   * the entry was stored.
   */
  set(address: EntryAddress, entry: CacheEntry, fence: Fence): MaybePromise<boolean>;
  /** Remove one storage key. Resolves to whether it existed. */
  delete(key: string): MaybePromise<boolean>;
  /** Remove every variant of a base key and fence out fills in flight. Resolves to the count removed. */
  invalidate(baseKey: string): MaybePromise<number>;
  /** Remove every entry carrying any of `tags` and fence out fills in flight. Resolves to the count removed. */
  invalidateTags(tags: readonly string[]): MaybePromise<number>;
  /** Remove everything this store holds (within its namespace, for shared stores). */
  clear(): MaybePromise<void>;
  /** Optional: the store's state for gauges, read when a metric is collected (cheap, synchronous). */
  stats?(): StoreStats;
  /** Register a listener for entries the store drops on its own (capacity, expiry). */
  onEvict?(listener: EvictListener): void;
  /**
   * Optional: register a listener for invalidations that reach the store other than through its
   * own methods — e.g. a tiered store's bus delivering another instance's invalidation, or a
   * bus reconnect (reported as `clear`). The engine detaches its fills in flight for them, so
   * local callers arriving afterwards load anew instead of joining a load that predates the
   * invalidation. Returns the unsubscribe function.
   */
  onInvalidate?(listener: (invalidation: StoreInvalidation) => void): () => void;
  /**
   * Optional: take a short lease on `address.key` so that of N instances missing the same key
   * only one runs the loader (stores shared between processes, e.g. Redis). Never rejects for
   * a store outage in a way that should block: a rejection means "load locally".
   */
  acquireLease?(address: EntryAddress, ttlMs: number): Promise<Lease>;
  /** Release connections and timers. */
  dispose?(): MaybePromise<void>;
}
