import { LRUCache } from 'lru-cache';
import { flatString } from '../flat-string.js';
import { type NumberRule, numberOption, optionKeys, optionsObject } from '../options/validate.js';
import { warnOnce } from '../warn.js';
import { InvalidationClock } from './invalidation-clock.js';
import { entryBytes, stringBytes, tagListBytes } from './retained-size.js';
import type {
  CacheEntry,
  CacheStore,
  EntryAddress,
  EvictionReason,
  EvictListener,
  Fence,
} from './types.js';

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
   * Upper bound of the heap the store's entries keep alive, in bytes. Each entry is accounted at
   * an estimate of what it retains: its live value (walked once, when stored), its encoded bytes
   * if it carries them (a tiered L1 entry does), its keys, ETag, tags and a fixed overhead, so a
   * flood of distinct (hostile) keys cannot exceed it. Measured: heap growth ≤ 1.25× `maxBytes`
   * under floods of tiny values. `Infinity` disables the bound (warns once with
   * `ROUTECACHE_UNBOUNDED_STORE`).
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
 * Bytes one entry costs the store beyond its keys, its tags' index slots and the entry itself
 * (see retained-size.ts): lru-cache's Map entry and five per-entry array slots. Measured with
 * `--expose-gc` (Node 20, x64): heap growth per kept entry of floods of 200k–1M `true` fills
 * (504–570 bytes) minus what the flat key (40), the entry object (160), its ETag (64), its record
 * and base-key index slot (~76, measured as the drop when they went) hold: 164–230 bytes, the
 * spread being hash tables and arrays caught at different points of their doubling. Rounded up.
 */
const ENTRY_OVERHEAD = 230;
/**
 * What an entry held in a {@link MemoryRecord} costs beyond that: the record (48) and its slot in
 * the base-key index (a Map entry and its share of the table's slack). Rounded up.
 */
const RECORD_OVERHEAD = 80;
/** A tag's index slot: a Set member, or a Map entry when the tag is on this entry alone. */
const TAG_SLOT = 64;

/**
 * What the store keeps for an entry that needs more than the entry itself: a variant (its
 * storage key is not its base key) or tags other than the entry's own. Any other entry is the
 * LRU's value as it is (a record would cost ~40 bytes per entry), its base key being its key
 * and its tags `entry.tags`.
 */
class MemoryRecord {
  constructor(
    readonly entry: CacheEntry,
    readonly baseKey: string,
    readonly tags: readonly string[],
  ) {}
}

type Held = CacheEntry | MemoryRecord;

/** Whether the store holds the entry as it is (its own base key, its own tags): no record. */
const heldBare = (address: EntryAddress, entry: CacheEntry): boolean =>
  address.baseKey === address.key && address.tags === entry.tags;

const entryOf = (held: Held): CacheEntry => (held instanceof MemoryRecord ? held.entry : held);

/**
 * An in-process store on `lru-cache`, bounded by bytes. A hit returns the live entry (no copy,
 * no decode) synchronously. Every method answers without a promise.
 *
 * `maxBytes` bounds the heap the entries keep alive: each entry is accounted, when stored, at an
 * estimate of what it retains (its live value walked once, its encoded bytes if it carries them,
 * keys, ETag, tags, bookkeeping). Floods of 1M distinct keys held 0.65–0.87× `maxBytes` in
 * `pnpm bench memory`; hits do no accounting work.
 *
 * Expiry is checked on read against the `now` the caller passes to `get` (the engine's one
 * `Date.now()` of the lookup), else against `Date.now()`, so fake timers drive it; an expired
 * entry is dropped when read or when capacity pushes it out, and reported as `expired` either way.
 *
 * @throws {InvalidOptionError} when an option is out of range (names the option).
 * @example
 * ```ts
 * import { createCache, memoryStore } from '@routecache/core';
 *
 * const cache = createCache({ store: memoryStore({ maxBytes: 32 * 1024 * 1024 }) });
 * ```
 */
// One closure, ~95 lines, on purpose: the store's methods are plain own properties of the
// returned object, so a store can be wrapped by spreading it (`{ ...memoryStore(), get }`, as
// the tests and tiered-store users do), and each method is a few lines over the shared LRU.
export function memoryStore(options: MemoryStoreOptions = {}): CacheStore {
  const { maxBytes, unbounded, maxEntrySize, history } = resolveMemoryOptions(options);
  const byBaseKey: Index = new Map();
  const byTag: Index = new Map();
  const clock = new InvalidationClock(history);
  const evictListeners: EvictListener[] = [];

  const lru = new LRUCache<string, Held>({
    // lru-cache needs a finite integer; the largest safe one stands for "unbounded".
    maxSize: unbounded ? Number.MAX_SAFE_INTEGER : maxBytes,
    // Runs for every removal (evict, delete, replace, clear), so the indexes never outlive entries.
    dispose(held, key, reason) {
      if (held instanceof MemoryRecord) unindex(byBaseKey, held.baseKey, key);
      for (const tag of held.tags) unindex(byTag, tag, key);
      if (reason === 'evict' && evictListeners.length > 0) {
        report(key, entryOf(held).staleUntil <= Date.now() ? 'expired' : 'capacity');
      }
    },
  });

  function report(key: string, reason: EvictionReason): void {
    // An in-process store is an L1; a tiered store using it as its L2 reports it as such.
    for (const listener of evictListeners) listener(key, reason, 'L1');
  }

  function removeAll(keys: Iterable<string>): number {
    let removed = 0;
    // Copy first: each delete's dispose edits the index sets being read.
    for (const key of Array.from(keys)) if (lru.delete(key)) removed++;
    return removed;
  }

  function removeIndexed(keys: string | Set<string> | undefined): number {
    if (keys === undefined) return 0;
    return typeof keys === 'string' ? Number(lru.delete(keys)) : removeAll(keys);
  }

  return {
    name: 'memory',
    requiresBytes: false,
    // `now`: the caller's clock reading (the engine's lookup), else this store reads the clock.
    get(key, now = Date.now()) {
      const held = lru.get(key);
      if (held === undefined) return undefined;
      const entry = entryOf(held);
      if (entry.staleUntil <= now) {
        lru.delete(key);
        if (evictListeners.length > 0) report(key, 'expired');
        return undefined;
      }
      return entry;
    },
    fence() {
      return clock.fence();
    },
    set(address, entry, fence: Fence) {
      if (!clock.admits(fence, address.baseKey, address.tags)) return false;
      if (entry.staleUntil <= Date.now()) return false;
      const size = accountedSize(address, entry, maxEntrySize);
      if (size > maxEntrySize) {
        lru.delete(address.key); // the older value at the key is outdated by this fill
        return false;
      }
      // Keep flat strings only: what the accounting counted (see flatString).
      const key = flatString(address.key);
      const baseKey = address.baseKey === key ? key : flatString(address.baseKey);
      for (const tag of address.tags) flatString(tag);
      if (entry.etag !== undefined) flatString(entry.etag);
      const held = heldBare(address, entry)
        ? entry
        : new MemoryRecord(entry, baseKey, address.tags);
      lru.set(key, held, { size });
      // Index after set: replacing an older record disposes (unindexes) it first. An entry
      // under its base key itself is found by that key (see `invalidate`): not indexed.
      if (baseKey !== key) index(byBaseKey, baseKey, key);
      for (const tag of address.tags) index(byTag, tag, key);
      return true;
    },
    delete(key) {
      return lru.delete(key);
    },
    invalidate(baseKey) {
      clock.invalidateBaseKey(baseKey);
      // The entry stored under the base key itself (no variant), then its indexed variants.
      const own = lru.peek(baseKey);
      const ownKey = own instanceof MemoryRecord ? own.baseKey === baseKey : own !== undefined;
      return Number(ownKey && lru.delete(baseKey)) + removeIndexed(byBaseKey.get(baseKey));
    },
    invalidateTags(tags) {
      clock.invalidateTags(tags);
      return removeAll(indexed(byTag, tags));
    },
    clear() {
      clock.invalidateAll();
      lru.clear();
    },
    onEvict(listener) {
      evictListeners.push(listener);
    },
    stats() {
      return {
        bytes: lru.calculatedSize,
        maxBytes: unbounded ? Number.POSITIVE_INFINITY : maxBytes,
      };
    },
    dispose() {
      lru.clear();
      evictListeners.length = 0;
    },
  };
}

/** {@link MemoryStoreOptions} validated, with their defaults (warns once for an unbounded store). */
function resolveMemoryOptions(options: MemoryStoreOptions) {
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

  return { maxBytes, unbounded, maxEntrySize, history };
}

/**
 * @internal The bytes the store accounts for one entry (what `maxBytes` bounds): its storage and
 * base keys, its tags' index slots, the entry with everything it holds (live value, ETag, tags,
 * encoded bytes when present) and a fixed overhead; an estimate of the heap it keeps alive
 * (retained-size.ts). Stops counting once past `limit`. Exported for tests.
 *
 * @example
 * ```ts
 * accountedSize(address, entry); // e.g. 550 for `true` under a 24-char key
 * ```
 */
export function accountedSize(
  address: EntryAddress,
  entry: CacheEntry,
  limit = Number.POSITIVE_INFINITY,
): number {
  let bytes = ENTRY_OVERHEAD + stringBytes(address.key) + TAG_SLOT * address.tags.length;
  if (address.baseKey !== address.key) bytes += stringBytes(address.baseKey);
  if (!heldBare(address, entry)) bytes += RECORD_OVERHEAD;
  // The engine hands the entry's own tag list; another list is one more array to keep.
  if (address.tags !== entry.tags) bytes += tagListBytes(address.tags);
  return Math.ceil(bytes + entryBytes(entry, limit - bytes));
}

/**
 * Storage keys by base key or tag. A name held by one key maps to that key itself: most base
 * keys have a single variant, and a Set per entry would cost ~230 bytes.
 */
type Index = Map<string, string | Set<string>>;

function index(map: Index, name: string, key: string): void {
  const keys = map.get(name);
  if (keys === undefined) map.set(name, key);
  else if (typeof keys !== 'string') keys.add(key);
  else if (keys !== key) map.set(name, new Set([keys, key]));
}

function unindex(map: Index, name: string, key: string): void {
  const keys = map.get(name);
  if (keys === undefined) return;
  if (typeof keys === 'string') {
    if (keys === key) map.delete(name);
    return;
  }
  keys.delete(key);
  if (keys.size === 0) map.delete(name);
}

/** Every key indexed under one of `names`, once. */
function indexed(map: Index, names: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const name of names) {
    const held = map.get(name);
    if (typeof held === 'string') keys.add(held);
    else if (held !== undefined) for (const key of held) keys.add(key);
  }
  return keys;
}
