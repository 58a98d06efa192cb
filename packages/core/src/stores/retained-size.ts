import { SmallIndex } from '../small-index.js';
import type { CacheEntry } from './types.js';

/*
 * What an entry really keeps alive on the V8 heap, estimated so that in-process bounds
 * (`memoryStore({ maxBytes })`, the Redis decode memo) bound the heap and not a proxy of it. An
 * entry's encoded length is no such proxy: the live value of a small object is 3–12× its rcb1
 * bytes, a `true` is 0 bytes of its own, and the bookkeeping around a tiny entry is most of it.
 *
 * Sizes measured on Node 20 (x64, V8 11.3, no pointer compression) with `--expose-gc`:
 * `heapUsed` growth after `gc()` per object, 20k–200k objects per shape, in scratch runs:
 *
 *   string, one-byte / two-byte            16 + 1 or 2 per char, 8-aligned; up to +32 for the
 *                                          decoder's short strings (13 ASCII chars: 64)
 *   plain object, n ≤ 19 properties         56 + 8 per property beyond 4 (in-object slack, then a
 *                                          property array): 0–4 → 56, 10 → 121, 19 → 192
 *   plain object, n ≥ 24 (dictionary)       67 per property (shared keys), 80–85 with data keys
 *   array (JSON.parse / literal / decoded)  32 + 16 + 8 per slot; decoded and pushed arrays keep
 *                                          ≥ 17 slots and grow by 1.5×: 1 → 184, 100 → 1169,
 *                                          1000 → 10354. Number elements live in the slots.
 *   number in a property (not a small int)  16 (a HeapNumber)
 *   Date / RegExp                           97 / 80 (+ its source)
 *   Map / Set of n                          80 + 28 / 20 per slot, slots = n rounded up to a power
 *                                          of 2: Map 10 → 520, 100 → 3656; Set 10 → 392, 100 → 2617
 *   typed array / Buffer copy               ≤ 64 bytes on-heap: 208 + n; larger: 184 on-heap + n
 *                                          off-heap (`arrayBuffers`); a pooled Buffer: 97 + n
 *   the engine's entry object               160 (11 fields, 3 of them HeapNumbers)
 *   a record object of 2–3 fields           40–48
 *
 * Each rule below rounds those up, so the estimate errs high: a store that holds fewer entries
 * than it could, never one that outgrows its bound. Strings are counted at every occurrence
 * (decoded and driver-made strings are distinct objects even when equal).
 */

/** Header and padding of a flat string, rounded up (see the table above). */
const STRING_HEADER = 48;
const OBJECT_BASE = 56;
const IN_OBJECT_PROPERTIES = 4;
const FAST_PROPERTY = 8;
/** V8 turns objects built property by property into dictionaries between 19 and 24 properties. */
const MAX_FAST_PROPERTIES = 20;
const DICTIONARY_PROPERTY = 88;
const ARRAY_BASE = 48;
const EMPTY_ARRAY = 32;
/** Spare slots an array may keep: 16 up front, then growth by half its length. */
const ARRAY_MIN_SLOTS = 17;
const SLOT = 8;
const HEAP_NUMBER = 16;
const DATE = 104;
const REGEXP = 80;
const HASH_TABLE_BASE = 80;
const MAP_SLOT = 28;
const SET_SLOT = 20;
/** @internal A typed array, Buffer or ArrayBuffer, beyond its bytes. */
export const TYPED_ARRAY = 208;
/** The entry object the engine (or the envelope decoder) builds. */
const ENTRY_OBJECT = 160;

// Wide = any code unit above 0xff: V8 then stores the whole string with two bytes per unit.
const WIDE = /[\u0100-\uffff]/;

/**
 * @internal Bytes a flat string of `text` holds.
 *
 * @example
 * ```ts
 * stringBytes('abc'); // 51: header + 1 byte per char
 * ```
 */
export function stringBytes(text: string): number {
  return STRING_HEADER + (WIDE.test(text) ? 2 * text.length : text.length);
}

function isSmallInteger(value: number): boolean {
  return Number.isInteger(value) && value >= -0x8000_0000 && value < 0x8000_0000;
}

function hashTableBytes(size: number, slot: number): number {
  let slots = 4;
  while (slots < size) slots *= 2;
  return HASH_TABLE_BASE + slot * slots;
}

function arrayBytes(length: number): number {
  if (length === 0) return EMPTY_ARRAY;
  return ARRAY_BASE + SLOT * Math.max(ARRAY_MIN_SLOTS, Math.ceil(length * 1.5));
}

function objectBytes(properties: number): number {
  if (properties > MAX_FAST_PROPERTIES) return OBJECT_BASE + DICTIONARY_PROPERTY * properties;
  return OBJECT_BASE + FAST_PROPERTY * Math.max(0, properties - IN_OBJECT_PROPERTIES);
}

/**
 * @internal Bytes of a list of tags: the array and its strings.
 *
 * @example
 * ```ts
 * tagListBytes([]); // 32
 * ```
 */
export function tagListBytes(tags: readonly string[]): number {
  let total = arrayBytes(tags.length);
  for (const tag of tags) total += stringBytes(tag);
  return total;
}

/**
 * @internal Estimated heap bytes of `value` itself (what holding it keeps alive), following the
 * rules measured above; shared and cyclic references are counted once. Stops counting once the
 * total passes `limit` (the caller refuses such an entry anyway) and returns what it has.
 *
 * @example
 * ```ts
 * valueBytes(true); // 0
 * valueBytes({ id: 1, name: 'Ada' }); // 56 (object) + 51 (string)
 * ```
 */
export function valueBytes(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'object' || value === null) return primitiveBytes(value);
  // The walk's state is reused (a fill walks its value once); a getter that walks again while
  // a walk runs gets state of its own.
  const walk = idleWalk ?? new Walk();
  idleWalk = undefined;
  try {
    return walk.bytes(value, limit);
  } finally {
    walk.reset();
    idleWalk = walk;
  }
}

/** The state of one {@link valueBytes} walk: objects met, and a stack of objects to visit. */
class Walk {
  readonly seen = new SmallIndex<object>();
  readonly pending: object[] = [];
  top = 0;
  total = 0;

  bytes(value: object, limit: number): number {
    const pending = this.pending;
    pending[this.top++] = value;
    while (this.top > 0 && this.total <= limit) {
      const item = pending[--this.top] as object;
      pending[this.top] = EMPTY;
      if (this.seen.indexOf(item) !== -1) continue;
      this.seen.add(item);
      this.total += this.visit(item);
    }
    return this.total;
  }

  /** The bytes of `item` itself; pushes the objects it holds (primitives are counted here). */
  private visit(item: object): number {
    if (Array.isArray(item)) {
      let total = arrayBytes(item.length);
      // A number element lives in its slot (small ints and unboxed doubles alike).
      for (const element of item) if (typeof element !== 'number') total += this.held(element);
      return total;
    }
    if (ArrayBuffer.isView(item)) return TYPED_ARRAY + item.byteLength;
    if (item instanceof ArrayBuffer) return TYPED_ARRAY + item.byteLength;
    if (item instanceof Date) return DATE;
    if (item instanceof RegExp) return REGEXP + stringBytes(item.source);
    if (item instanceof Map) {
      let total = hashTableBytes(item.size, MAP_SLOT);
      for (const [key, entry] of item) total += this.held(key) + this.held(entry);
      return total;
    }
    if (item instanceof Set) {
      let total = hashTableBytes(item.size, SET_SLOT);
      for (const member of item) total += this.held(member);
      return total;
    }
    // Its values in one call: a lookup per key would miss the inline caches (any key, any shape).
    const values = Object.values(item);
    let total = objectBytes(values.length);
    for (const value of values) total += this.held(value);
    return total;
  }

  /** A primitive's bytes, or 0 with an object pushed to visit. */
  private held(value: unknown): number {
    if (typeof value !== 'object' || value === null) return primitiveBytes(value);
    this.pending[this.top++] = value;
    return 0;
  }

  /** Forget the walk, holding on to none of its objects. */
  reset(): void {
    this.seen.reset();
    // A stack grown by a large value is let go; a small one is kept, emptied. Each pop cleared
    // its slot, so only the objects a walk stopped at `limit` left are still held. (A loop:
    // `Array.prototype.fill` runs in C++, ~800 instructions per fill.)
    const pending = this.pending;
    if (pending.length > KEPT_STACK) pending.length = 0;
    else for (let slot = 0; slot < this.top; slot++) pending[slot] = EMPTY;
    this.top = 0;
    this.total = 0;
  }
}

const EMPTY = {};
const KEPT_STACK = 256;
/** The walk free for the next {@link valueBytes} call (none while one runs). */
let idleWalk: Walk | undefined;

/** A primitive held in a property, a Map or Set, or the entry itself. */
function primitiveBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return isSmallInteger(value) ? 0 : HEAP_NUMBER;
    case 'bigint':
      return 24 + SLOT * Math.ceil(value.toString(16).length / 16);
    default:
      // booleans, null, undefined: shared constants. Functions and symbols are not cacheable.
      return 0;
  }
}

/**
 * @internal Estimated heap bytes an entry keeps alive: its object, ETag, tag list, encoded
 * `bytes` when it holds them (an entry decoded from Redis holds both those and the live value) and the
 * live value. Not its keys: whoever keys it counts those. Stops past `limit` like
 * {@link valueBytes}.
 *
 * @example
 * ```ts
 * entryBytes(entry) <= maxEntrySize; // else the entry is not kept
 * ```
 */
export function entryBytes(entry: CacheEntry, limit = Number.POSITIVE_INFINITY): number {
  let total = ENTRY_OBJECT + tagListBytes(entry.tags);
  if (entry.etag !== undefined) total += stringBytes(entry.etag);
  if (entry.bytes !== undefined) total += TYPED_ARRAY + entry.bytes.byteLength;
  return total > limit ? total : total + valueBytes(entry.value, limit - total);
}
