import { LRUCache } from 'lru-cache';
import { type NumberRule, numberOption, optionKeys, optionsObject } from '../options/validate.js';
import { warnOnce } from '../warn.js';
import { InvalidationClock } from './invalidation-clock.js';
import type { CacheEntry, CacheStore, EntryAddress, EvictionReason, Fence } from './types.js';

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = { maxBytes: 128 * 1024 * 1024, maxEntrySize: 1024 * 1024 };
 * const store = memoryStore(options);
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * Upper bound of the memory the store accounts for, in bytes: each entry's `size` plus its keys
   * and a fixed per-entry overhead, so a flood of distinct (hostile) keys cannot exceed it.
   * `Infinity` disables the bound (warns once with `ROUTECACHE_UNBOUNDED_STORE`).
   * @default 67108864 (64 MiB)
   */
  maxBytes?: number;
  /**
   * Largest single entry (same accounting as `maxBytes`); bigger entries are not stored.
   * @default the smaller of 8 MiB and `maxBytes`
   */
  maxEntrySize?: number;
  /**
   * How many invalidated base keys and tags the store remembers to fence fills in flight. Beyond
   * it, the oldest are forgotten and fills that started before them are refused (not stored).
   * @default 10000
   */
  invalidationHistory?: number;
}

/**
 * Default `maxBytes`: 64 MiB.
 *
 * @example
 * ```ts
 * memoryStore({ maxBytes: DEFAULT_MAX_BYTES / 4 }); // 16 MiB for a small container
 * ```
 */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/**
 * Default cap of `maxEntrySize`: 8 MiB.
 *
 * @example
 * ```ts
 * memoryStore({ maxBytes: 256 * 1024 * 1024, maxEntrySize: DEFAULT_MAX_ENTRY_SIZE * 2 });
 * ```
 */
export const DEFAULT_MAX_ENTRY_SIZE = 8 * 1024 * 1024;
const DEFAULT_INVALIDATION_HISTORY = 10_000;
const POSITIVE_INTEGER: NumberRule = { min: 1, integer: true };
const KNOWN_OPTIONS = optionKeys<MemoryStoreOptions>({
  maxBytes: true,
  maxEntrySize: true,
  invalidationHistory: true,
});
/**
 * Bytes accounted per entry beyond its value and keys: the record, the index set slots and the
 * LRU's bookkeeping. An estimate; it keeps tiny entries from being accounted as free.
 */
const ENTRY_OVERHEAD = 256;

interface MemoryRecord {
  readonly entry: CacheEntry;
  readonly address: EntryAddress;
}

/**
 * An in-process store on `lru-cache`, bounded by bytes. A hit returns the live entry (no copy,
 * no decode) synchronously. Every method answers without a promise.
 *
 * Expiry is checked against `Date.now()` on read (so fake timers drive it); an expired entry is
 * dropped when read or when capacity pushes it out, and reported as `expired` either way.
 *
 * @throws {InvalidOptionError} when an option is out of range (names the option).
 * @example
 * ```ts
 * import { createCache, memoryStore } from '@routecache/core';
 *
 * const cache = createCache({ store: memoryStore({ maxBytes: 32 * 1024 * 1024 }) });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): CacheStore {
  optionsObject(options, KNOWN_OPTIONS);
  const maxBytes =
    numberOption('maxBytes', options.maxBytes, {
      ...POSITIVE_INTEGER,
      infinity: true,
      unit: 'bytes',
    }) ?? DEFAULT_MAX_BYTES;
  const unbounded = maxBytes === Number.POSITIVE_INFINITY;
  if (unbounded) {
    warnOnce(
      'ROUTECACHE_UNBOUNDED_STORE',
      'memoryStore({ maxBytes: Infinity }) never evicts for capacity: memory grows with key cardinality',
    );
  }
  const maxEntrySize =
    numberOption('maxEntrySize', options.maxEntrySize, {
      ...POSITIVE_INTEGER,
      max: maxBytes,
      unit: 'bytes',
    }) ?? Math.min(DEFAULT_MAX_ENTRY_SIZE, maxBytes);
  const history =
    numberOption('invalidationHistory', options.invalidationHistory, POSITIVE_INTEGER) ??
    DEFAULT_INVALIDATION_HISTORY;

  const byBaseKey = new Map<string, Set<string>>();
  const byTag = new Map<string, Set<string>>();
  const clock = new InvalidationClock(history);
  const evictListeners: Array<(key: string, reason: EvictionReason) => void> = [];

  const lru = new LRUCache<string, MemoryRecord>({
    // lru-cache needs a finite integer; the largest safe one stands for "unbounded".
    maxSize: unbounded ? Number.MAX_SAFE_INTEGER : maxBytes,
    maxEntrySize,
    sizeCalculation: accountedSize,
    // Runs for every removal (evict, delete, replace, clear), so the indexes never outlive entries.
    dispose(record, key, reason) {
      unindex(byBaseKey, record.address.baseKey, key);
      for (const tag of record.address.tags) unindex(byTag, tag, key);
      if (reason === 'evict' && evictListeners.length > 0) {
        report(key, record.entry.staleUntil <= Date.now() ? 'expired' : 'capacity');
      }
    },
  });

  function report(key: string, reason: EvictionReason): void {
    for (const listener of evictListeners) listener(key, reason);
  }

  function removeAll(keys: Iterable<string>): number {
    let removed = 0;
    // Copy first: each delete's dispose edits the index sets being read.
    for (const key of Array.from(keys)) if (lru.delete(key)) removed++;
    return removed;
  }

  return {
    name: 'memory',
    requiresBytes: false,
    get(key) {
      const record = lru.get(key);
      if (record === undefined) return undefined;
      if (record.entry.staleUntil <= Date.now()) {
        lru.delete(key);
        if (evictListeners.length > 0) report(key, 'expired');
        return undefined;
      }
      return record.entry;
    },
    fence() {
      return clock.fence();
    },
    set(address, entry, fence: Fence) {
      if (!clock.admits(fence, address.baseKey, address.tags)) return false;
      if (entry.staleUntil <= Date.now()) return false;
      const record: MemoryRecord = { entry, address };
      lru.set(address.key, record);
      // Too large for maxEntrySize: lru-cache dropped it (and any older value at the key).
      if (lru.peek(address.key) !== record) return false;
      // Index after set: replacing an older record disposes (unindexes) it first.
      index(byBaseKey, address.baseKey, address.key);
      for (const tag of address.tags) index(byTag, tag, address.key);
      return true;
    },
    delete(key) {
      return lru.delete(key);
    },
    invalidate(baseKey) {
      clock.invalidateBaseKey(baseKey);
      const keys = byBaseKey.get(baseKey);
      return keys === undefined ? 0 : removeAll(keys);
    },
    invalidateTags(tags) {
      clock.invalidateTags(tags);
      const keys = new Set<string>();
      for (const tag of tags) {
        const tagged = byTag.get(tag);
        if (tagged !== undefined) for (const key of tagged) keys.add(key);
      }
      return removeAll(keys);
    },
    clear() {
      clock.invalidateAll();
      lru.clear();
    },
    onEvict(listener) {
      evictListeners.push(listener);
    },
    dispose() {
      lru.clear();
      evictListeners.length = 0;
    },
  };
}

/**
 * @internal The bytes the store accounts for one entry at `key` (what `maxBytes` bounds): its
 * size, its keys and tags (also held by the indexes) and a fixed overhead. Exported for tests.
 *
 * @example
 * ```ts
 * accountedSize({ entry, address }, address.key); // entry.size + 2 × key chars + 256
 * ```
 */
export function accountedSize(record: MemoryRecord, key: string): number {
  const { address, entry } = record;
  // UTF-16 strings: two bytes per code unit. The base key and tags are also held by the indexes.
  let keyBytes = key.length + address.baseKey.length;
  for (const tag of address.tags) keyBytes += tag.length;
  const valueBytes = Number.isFinite(entry.size) && entry.size > 0 ? Math.ceil(entry.size) : 0;
  return valueBytes + 2 * keyBytes + ENTRY_OVERHEAD;
}

function index(map: Map<string, Set<string>>, name: string, key: string): void {
  const keys = map.get(name);
  if (keys === undefined) map.set(name, new Set([key]));
  else keys.add(key);
}

function unindex(map: Map<string, Set<string>>, name: string, key: string): void {
  const keys = map.get(name);
  if (keys === undefined) return;
  keys.delete(key);
  if (keys.size === 0) map.delete(name);
}
