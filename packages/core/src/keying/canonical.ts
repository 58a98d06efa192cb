import { builtinTag } from '../builtins.js';
import { quote, quotedText, type TextFacts } from './escape.js';
import { keySegment, through, toKeyError, Unkeyable } from './unkeyable.js';

/**
 * Canonical encoding of a parsed input: one string per distinct value, the same string for equal
 * values however they were built. JSON-like so small inputs stay readable in Redis.
 *
 * Grammar (every token is self-delimiting, so the encoding is injective):
 *
 * ```text
 * value   = "null" | "undefined" | "true" | "false"
 *         | number                  ; String(n), plus "-0"; NaN, Infinity, -Infinity as written
 *         | digits "n"              ; bigint: 1n (never equal to the number 1)
 *         | string                  ; JSON string literal: "1" (never equal to the number 1)
 *         | "{" [ string ":" value *( "," string ":" value ) ] "}"   ; keys sorted by code unit
 *         | "[" elements "]"        ; in order; a hole is an empty slot, as in JS: [1,,2] [,]
 *         | "Date(" number ")"      ; epoch ms (NaN for an invalid date)
 *         | "Map{" [ value "=>" value *( "," … ) ] "}"  ; entries sorted by their encoding
 *         | "Set[" [ value *( "," value ) ] "]"          ; items sorted by their encoding
 *         | "RegExp(" string "," string ")"              ; source, flags
 *         | "URL(" string ")"                            ; href
 *         | "Number(" number ")" | "String(" string ")" | "Boolean(" bool ")"  ; boxed
 *         | TypedArrayName "[" numbers "]"               ; e.g. Uint8Array[1,2,3]
 *         | ("ArrayBuffer" | "DataView") "[" bytes "]"
 * ```
 *
 * Decisions:
 * - An object property whose value is `undefined` is skipped (`{ a: undefined }` encodes as `{}`),
 *   as JSON and tRPC transports drop it. A top-level `undefined`, an `undefined` array element or
 *   Map value is kept (`undefined` ≠ `null`).
 * - Objects: own enumerable string keys only (symbol keys and non-index array properties are not
 *   data). `__proto__` and `constructor` are ordinary keys; nothing is ever written.
 * - Plain and null-prototype objects (also from another realm) are data. Accepted classes are
 *   the codec's built-ins — Date, Map, Set, RegExp, typed arrays, ArrayBuffer, DataView, boxed
 *   primitives — with their exact built-in prototype (a Node `Buffer` counts as a `Uint8Array`,
 *   a fake-timer `Date` as a `Date`), plus URL. Anything else — functions, symbols, subclasses,
 *   other class instances — throws {@link KeyError} (`unsupported-type`): routecache cannot know
 *   which of their fields identify them. Map them to data first, or give the route a `key`.
 * - Map and Set are order-insensitive: equal contents inserted in another order share a key.
 * - Cycles (`cycle`) and nesting deeper than 128 levels (`too-deep`) throw KeyError. Without
 *   cycle tracking on the hot path: only an input that exceeds the depth is walked again with
 *   ancestor tracking, to tell a cycle from deep nesting.
 * - An encoding longer than {@link MAX_INPUT_LENGTH} code units throws KeyError (`too-large`):
 *   such an input is served uncached rather than hashed on every call. The walk keeps a running
 *   count and stops as soon as it passes the bound; a container or string checks its smallest
 *   possible encoding before it is read, so a 10 MB string or a 70k-key object costs about as
 *   much as reading its length (and, for an object, listing its keys).
 * - Linear in the size of the input, plus sorting: object keys (n log n; few keys are sorted by
 *   insertion, which is quadratic only up to {@link INSERTION_SORT_KEYS}), Map and Set items.
 */

/** Deepest nesting of objects/arrays/maps/sets an input may have. */
const MAX_DEPTH = 128;

/**
 * Longest canonical encoding, in UTF-16 code units (64 KiB of JSON-like text), of an input the
 * cache keys; a longer one is unkeyable (`too-large`), so routes serve it uncached.
 *
 * @example
 * ```ts
 * encodeCanonical('x'.repeat(MAX_INPUT_LENGTH)); // throws KeyError (too-large): quotes add 2
 * ```
 */
export const MAX_INPUT_LENGTH = 65_536;

/** Objects with at most this many keys are sorted by insertion (cheap when nearly sorted). */
const INSERTION_SORT_KEYS = 32;

/** The smallest encoding of one object property: `"":0`, plus its separating comma. */
const MIN_PROPERTY_LENGTH = 5;

/**
 * One encoding pass: the encoding written so far (`out`: every token is appended to one string
 * as it is produced, rather than each container joining its parts), the room left under
 * {@link MAX_INPUT_LENGTH} (every token spends its length as it is produced, so the total spent
 * is the encoding's length), the ancestors on the rare pass that tells a cycle from deep
 * nesting, and what the texts quoted so far showed.
 */
class Walk {
  constructor(
    public out: string,
    public room: number,
    readonly ancestors: object[] | undefined,
    readonly facts: TextFacts | undefined,
  ) {}

  /** Fail unless `length` more code units fit; spends nothing (a lower bound, read first). */
  check(length: number): void {
    if (length > this.room) {
      throw new Unkeyable('too-large', `an encoding longer than ${MAX_INPUT_LENGTH} characters`);
    }
  }

  /** Spend `length` code units of output. */
  spend(length: number): void {
    this.check(length);
    this.room -= length;
  }

  /** Append `text`, a token of the encoding, spent. */
  token(text: string): void {
    this.spend(text.length);
    this.out += text;
  }

  /**
   * Append `text` quoted, between `open` (ending in the opening quote) and `close` (starting
   * with the closing one), spent but for `open` and `close`; a text too long for the room fails
   * before it is scanned. One append per piece: a property is `,"` + name + `":`.
   */
  quote(text: string, open = '"', close = '"'): void {
    this.check(text.length + 2);
    const inner = quotedText(text, this.facts);
    this.spend(inner.length + 2);
    this.out += open;
    this.out += inner;
    this.out += close;
  }

  /** What `encode` appends, apart from the encoding (an item to sort); spent as it is written. */
  apart(encode: () => void): string {
    const outer = this.out;
    this.out = '';
    encode();
    const part = this.out;
    this.out = outer;
    return part;
  }
}

/**
 * Encode a parsed input canonically (grammar and decisions in the module comment). Equal inputs
 * give equal strings whatever their key insertion order; distinct inputs give distinct strings.
 *
 * @param facts - @internal Told when a quoted text may hold non-ASCII characters (key builders).
 * @param head - @internal Text the encoding is appended to (a key's fields): returned as
 * `head + encoding`, one string built once. Not counted against {@link MAX_INPUT_LENGTH}.
 * @example
 * ```ts
 * encodeCanonical({ q: 'abc', page: 1 }); // '{"page":1,"q":"abc"}'
 * encodeCanonical({ id: 1n, at: new Date(0) }); // '{"at":Date(0),"id":1n}'
 * ```
 * @throws {KeyError} `ROUTECACHE_UNKEYABLE_INPUT` when the input holds a function, symbol,
 * unsupported class instance or a cycle, is nested deeper than 128 levels, encodes to more than
 * {@link MAX_INPUT_LENGTH} characters, or a getter throws.
 */
export function encodeCanonical(value: unknown, facts?: TextFacts, head = ''): string {
  const json = encodeJsonShaped(value);
  if (json !== undefined) {
    // "May hold non-ASCII", unscanned: the key builder counts bytes only for a key of 69 to 206
    // code units, and scanning 20 KB (1000 fields) cost 130k instructions per call.
    if (facts !== undefined) facts.wide = true;
    return head + json;
  }
  try {
    const walk = new Walk(head, MAX_INPUT_LENGTH, undefined, facts);
    encodeValue(value, 0, walk);
    return walk.out;
  } catch (error) {
    let failure = through(error, '$');
    if (failure.reason === 'too-deep') {
      // Rare path: encode again tracking ancestors, to tell a cycle from deep nesting.
      try {
        encodeValue(value, 0, new Walk('', MAX_INPUT_LENGTH, [], undefined));
      } catch (retry) {
        failure = through(retry, '$');
      }
    }
    throw toKeyError(failure);
  }
}

/**
 * The fast path, for what a schema parses from JSON: plain objects that all have one set of keys
 * (one object, or records of one shape), arrays without holes or `undefined`, strings, finite
 * numbers other than -0, booleans and null. There the grammar writes exactly what
 * `JSON.stringify` writes once each object's keys come in code-unit order — its strings are JSON
 * string literals, its numbers `String(n)` — so `JSON.stringify` with the sorted keys as its
 * property list writes the encoding natively. One set of keys because a property list applies to
 * every object: an object without one of its keys would read it from its prototype. Only for
 * an object or array of more than {@link INSERTION_SORT_KEYS} keys or items: below that the walk
 * is cheaper (measured in instructions on the engine hit path).
 * `undefined` for anything else (or an encoding past the bound, a too-deep nesting, a getter
 * that throws), which the walk encodes or refuses with its reason.
 */
function encodeJsonShaped(value: unknown): string | undefined {
  // Few keys or items: the walk costs less than the scan and the property-list serializer. The
  // scan is made only past that check: small inputs, the common case, allocate nothing here.
  if (typeof value !== 'object' || value === null) return undefined;
  let scan: JsonScan;
  try {
    // An object's keys are listed once, here, and handed to the scan: listing a 1000-key object
    // (a dictionary-mode object, no enum cache) cost 390k instructions.
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    const size = keys === undefined ? (value as unknown[]).length : keys.length;
    if (size <= INSERTION_SORT_KEYS) return undefined;
    scan = new JsonScan();
    if (!scan.accepts(value, 0, keys)) return undefined;
  } catch {
    return undefined;
  }
  const { shape } = scan;
  const sorted = shape === undefined ? undefined : sortedShape(shape);
  // Without a property list when every object's keys already come in code-unit order:
  // JSON.stringify writes the same text 20% faster (1000 fields: 1.02M against 1.25M).
  const json =
    sorted === undefined && scan.inShapeOrder
      ? JSON.stringify(value)
      : JSON.stringify(value, sorted ?? shape);
  return json !== undefined && json.length <= MAX_INPUT_LENGTH ? json : undefined;
}

/**
 * The last key list {@link sortedShape} sorted, and its sorted copy (`undefined` when it was in
 * order already). A schema parses every call of a route into one key order, so the next large
 * input most often lists the same keys: comparing them (one identity check per key) costs less
 * than sorting them again (1000 keys: ~10k against ~430k instructions).
 */
let lastShape: readonly string[] = [];
let lastSorted: string[] | undefined;

/** `shape` in code-unit order, or `undefined` when it is already; never modified. */
function sortedShape(shape: readonly string[]): string[] | undefined {
  if (!sameList(shape, lastShape)) {
    const sorted = shape.slice();
    sortKeys(sorted);
    lastSorted = sameList(sorted, shape) ? undefined : sorted;
    lastShape = shape;
  }
  return lastSorted;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One pass of {@link encodeJsonShaped}'s check: the room left, and the objects' one key set. */
class JsonScan {
  /** A lower bound of the room left under {@link MAX_INPUT_LENGTH}. */
  room = MAX_INPUT_LENGTH;
  /** The keys of the first object met; every other object must have the same set. */
  shape: string[] | undefined = undefined;
  /** Whether every object met lists its keys in the order of {@link shape}. */
  inShapeOrder = true;
  #shapeSet: Set<string> | undefined = undefined;

  /** `keys`: the value's `Object.keys`, when the caller listed them already. */
  accepts(value: unknown, depth: number, keys?: string[]): boolean {
    switch (typeof value) {
      case 'string':
        this.room -= value.length + 2;
        return this.room >= 0;
      case 'number':
        this.room -= 1;
        return Number.isFinite(value) && !(value === 0 && 1 / value < 0);
      case 'boolean':
        this.room -= 4;
        return true;
      case 'object':
        if (value === null) return true;
        // JSON.stringify would call a toJSON (own, or from a polluted prototype); the walk never.
        if (depth >= MAX_DEPTH || (value as { toJSON?: unknown }).toJSON !== undefined) {
          return false;
        }
        return Array.isArray(value)
          ? this.#acceptsArray(value, depth + 1)
          : this.#acceptsObject(value, depth + 1, keys ?? Object.keys(value));
      default:
        return false;
    }
  }

  #acceptsArray(value: readonly unknown[], depth: number): boolean {
    this.room -= value.length + 1;
    if (this.room < 0) return false;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // A hole or an undefined element: JSON writes null, the grammar an empty slot / undefined.
      if (item === undefined || !this.accepts(item, depth)) return false;
    }
    return true;
  }

  #acceptsObject(value: object, depth: number, keys: string[]): boolean {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    this.room -= keys.length * MIN_PROPERTY_LENGTH;
    if (this.room < 0 || !this.#sameShape(keys)) return false;
    for (let i = 0; i < keys.length; i++) {
      const item = (value as Record<string, unknown>)[keys[i] as string];
      // An undefined property is skipped by both.
      if (item !== undefined && !this.accepts(item, depth)) return false;
    }
    return true;
  }

  #sameShape(keys: string[]): boolean {
    const { shape } = this;
    if (shape === undefined) {
      this.shape = keys;
      return true;
    }
    if (keys.length !== shape.length) return false;
    if (this.inShapeOrder && sameList(keys, shape)) return true;
    this.inShapeOrder = false;
    this.#shapeSet ??= new Set(shape);
    for (let i = 0; i < keys.length; i++) if (!this.#shapeSet.has(keys[i] as string)) return false;
    return true;
  }
}

function encodeValue(value: unknown, depth: number, walk: Walk): void {
  switch (typeof value) {
    case 'string':
      walk.quote(value);
      return;
    case 'number':
      walk.token(encodeNumber(value));
      return;
    case 'boolean':
      walk.token(value ? 'true' : 'false');
      return;
    case 'undefined':
      walk.token('undefined');
      return;
    case 'bigint':
      walk.token(`${value}n`);
      return;
    case 'object':
      if (value === null) walk.token('null');
      else encodeObject(value, depth + 1, walk);
      return;
    default:
      throw new Unkeyable('unsupported-type', `a ${typeof value}`);
  }
}

// String(n) is injective on numbers except that it prints -0 as "0".
const encodeNumber = (n: number) => (n === 0 && 1 / n < 0 ? '-0' : String(n));

function encodeObject(value: object, depth: number, walk: Walk): void {
  if (depth > MAX_DEPTH) throw new Unkeyable('too-deep', `nesting deeper than ${MAX_DEPTH}`);
  const { ancestors } = walk;
  if (ancestors === undefined) {
    encodeContainer(value, depth, walk);
    return;
  }
  if (ancestors.includes(value)) {
    throw new Unkeyable('cycle', 'a reference to one of its own ancestors (a cycle)');
  }
  ancestors.push(value);
  encodeContainer(value, depth, walk);
  ancestors.pop();
}

const dateGetTime = Date.prototype.getTime;

function encodeContainer(value: object, depth: number, walk: Walk): void {
  if (Array.isArray(value)) {
    encodeArray(value, depth, walk);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    encodePlain(value, depth, walk);
    return;
  }
  // The codec's classification: exact built-in prototypes only (a subclass may hold identity in
  // its own fields, and a faked Symbol.toStringTag cannot pass), plus Buffer and fake-timer Dates.
  const tag = builtinTag(value);
  switch (tag) {
    case undefined:
      break;
    case 'Date':
      walk.token(`Date(${encodeNumber(dateGetTime.call(value))})`);
      return;
    case 'Map':
      encodeMap(value as Map<unknown, unknown>, depth, walk);
      return;
    case 'Set':
      encodeSet(value as Set<unknown>, depth, walk);
      return;
    case 'RegExp': {
      const { source, flags } = value as RegExp;
      walk.check(source.length + flags.length + 'RegExp("","")'.length);
      walk.token(`RegExp(${quote(source, walk.facts)},${quote(flags, walk.facts)})`);
      return;
    }
    case 'Number':
      walk.token(`Number(${encodeNumber(Number.prototype.valueOf.call(value))})`);
      return;
    case 'String': {
      const text = String.prototype.valueOf.call(value);
      walk.check(text.length + 'String("")'.length);
      walk.token(`String(${quote(text, walk.facts)})`);
      return;
    }
    case 'Boolean':
      walk.token(`Boolean(${Boolean.prototype.valueOf.call(value)})`);
      return;
    case 'ArrayBuffer':
      encodeBytes('ArrayBuffer', new Uint8Array(value as ArrayBuffer), walk);
      return;
    case 'DataView': {
      const view = value as DataView;
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      encodeBytes('DataView', bytes, walk);
      return;
    }
    default:
      // Every other tag is a typed array (plain arrays were handled above).
      encodeTypedArray(value as ArrayBufferView, tag, walk);
      return;
  }
  if (typeof URL === 'function' && proto === URL.prototype) {
    const { href } = value as URL;
    walk.check(href.length + 'URL("")'.length);
    walk.token(`URL(${quote(href, walk.facts)})`);
    return;
  }
  // A plain object made in another realm (vm context, iframe): its prototype's prototype is null.
  if (typeof proto === 'object' && Object.getPrototypeOf(proto) === null) {
    encodePlain(value, depth, walk);
    return;
  }
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  throw new Unkeyable(
    'unsupported-type',
    `an instance of ${typeof name === 'string' && name !== '' ? name : 'an unknown class'}`,
  );
}

function encodePlain(value: object, depth: number, walk: Walk): void {
  const keys = Object.keys(value);
  if (keys.length * MIN_PROPERTY_LENGTH > walk.room) checkDefinedCount(value, keys, walk);
  sortKeys(keys);
  walk.spend(2);
  walk.out += '{';
  let first = true;
  let key = '';
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i] as string;
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      walk.spend(first ? 1 : 2);
      walk.quote(key, first ? '"' : ',"', '":');
      first = false;
      encodeValue(item, depth, walk);
    }
  } catch (error) {
    throw through(error, keySegment(key));
  }
  walk.out += '}';
}

/**
 * Rare path: an object with more keys than could fit, were each property as short as possible.
 * Properties whose value is `undefined` encode as nothing, so count the others: fail before
 * sorting when even they cannot fit.
 */
function checkDefinedCount(value: object, keys: readonly string[], walk: Walk): void {
  let defined = 0;
  for (const key of keys) {
    if ((value as Record<string, unknown>)[key] !== undefined) defined++;
  }
  walk.check(defined * MIN_PROPERTY_LENGTH + 1);
}

/**
 * @internal Sort by UTF-16 code unit, in place. Few keys, often already in order (then it is one
 * comparison per key), sort by insertion, which beats `Array#sort`'s setup cost there: quadratic,
 * so only up to {@link INSERTION_SORT_KEYS} keys. More keys take `Array#sort` (its default order
 * is the code-unit order), O(n log n) comparisons and one read and one write per key.
 *
 * @example
 * ```ts
 * const keys = ['b', 'a', 'B'];
 * sortKeys(keys); // keys is now ['B', 'a', 'b']
 * ```
 */
export function sortKeys(keys: string[]): void {
  if (keys.length > INSERTION_SORT_KEYS) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    if ((keys[j] as string) < key) continue;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
}

function encodeArray(value: readonly unknown[], depth: number, walk: Walk): void {
  const length = value.length;
  // Brackets and separating commas; every element but a hole adds at least one more.
  walk.spend(length === 0 ? 2 : length + 1);
  walk.out += '[';
  let i = 0;
  try {
    for (; i < length; i++) {
      if (i > 0) walk.out += ',';
      const item = value[i];
      if (item === undefined && !(i in value)) {
        // A hole is an empty slot; a trailing one needs an extra comma, as in the JS literal `[1,,]`.
        if (i === length - 1) walk.token(',');
      } else {
        encodeValue(item, depth, walk);
      }
    }
  } catch (error) {
    throw through(error, `[${i}]`);
  }
  walk.out += ']';
}

/** Room for `items` separated by commas, each at least `itemLength` long, and `wrapper`. */
const listLength = (items: number, itemLength: number, wrapper: number) =>
  wrapper + (items === 0 ? 0 : items * (itemLength + 1) - 1);

function encodeMap(value: ReadonlyMap<unknown, unknown>, depth: number, walk: Walk): void {
  // `Map{` `}`, commas and each entry's `=>` are spent here; keys and values spend themselves.
  walk.spend(listLength(value.size, 2, 5));
  const entries: string[] = [];
  for (const [key, item] of value) {
    try {
      entries.push(
        walk.apart(() => {
          encodeValue(key, depth, walk);
          walk.out += '=>';
          encodeValue(item, depth, walk);
        }),
      );
    } catch (error) {
      throw through(error, `[map entry ${entries.length}]`);
    }
  }
  walk.out += `Map{${entries.sort().join(',')}}`;
}

function encodeSet(value: ReadonlySet<unknown>, depth: number, walk: Walk): void {
  walk.spend(listLength(value.size, 0, 5));
  const items: string[] = [];
  for (const item of value) {
    try {
      items.push(walk.apart(() => encodeValue(item, depth, walk)));
    } catch (error) {
      throw through(error, `[set item ${items.length}]`);
    }
  }
  walk.out += `Set[${items.sort().join(',')}]`;
}

function encodeBytes(name: string, bytes: Uint8Array, walk: Walk): void {
  walk.check(listLength(bytes.length, 1, name.length + 2));
  walk.token(`${name}[${bytes.join(',')}]`);
}

function encodeTypedArray(value: ArrayBufferView, name: string, walk: Walk): void {
  const items = value as unknown as ArrayLike<number | bigint> & {
    join(separator: string): string;
  };
  walk.check(listLength(items.length, 1, name.length + 2));
  if (!name.startsWith('Float')) {
    walk.token(`${name}[${items.join(',')}]`);
    return;
  }
  // Float arrays can hold -0 and NaN, which join() would blur.
  let out = '';
  for (let i = 0; i < items.length; i++) {
    out += `${i > 0 ? ',' : ''}${encodeNumber(items[i] as number)}`;
  }
  walk.token(`${name}[${out}]`);
}
