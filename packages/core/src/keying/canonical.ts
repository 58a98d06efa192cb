import { builtinTag } from '../codec/builtins.js';
import { quote } from './escape.js';
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
 */

/** Deepest nesting of objects/arrays/maps/sets an input may have. */
const MAX_DEPTH = 128;

/**
 * Encode a parsed input canonically (grammar and decisions in the module comment). Equal inputs
 * give equal strings whatever their key insertion order; distinct inputs give distinct strings.
 *
 * @example
 * ```ts
 * encodeCanonical({ q: 'abc', page: 1 }); // '{"page":1,"q":"abc"}'
 * encodeCanonical({ id: 1n, at: new Date(0) }); // '{"at":Date(0),"id":1n}'
 * ```
 * @throws {KeyError} `ROUTECACHE_UNKEYABLE_INPUT` when the input holds a function, symbol,
 * unsupported class instance or a cycle, is nested deeper than 128 levels, or a getter throws.
 */
export function encodeCanonical(value: unknown): string {
  try {
    return encodeValue(value, 0, undefined);
  } catch (error) {
    let failure = through(error, '$');
    if (failure.reason === 'too-deep') {
      // Rare path: encode again tracking ancestors, to tell a cycle from deep nesting.
      try {
        encodeValue(value, 0, []);
      } catch (retry) {
        failure = through(retry, '$');
      }
    }
    throw toKeyError(failure);
  }
}

function encodeValue(value: unknown, depth: number, ancestors: object[] | undefined): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return encodeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value}n`;
    case 'object':
      return value === null ? 'null' : encodeObject(value, depth + 1, ancestors);
    default:
      throw new Unkeyable('unsupported-type', `a ${typeof value}`);
  }
}

// String(n) is injective on numbers except that it prints -0 as "0".
const encodeNumber = (n: number) => (n === 0 && 1 / n < 0 ? '-0' : String(n));

function encodeObject(value: object, depth: number, ancestors: object[] | undefined): string {
  if (depth > MAX_DEPTH) throw new Unkeyable('too-deep', `nesting deeper than ${MAX_DEPTH}`);
  if (ancestors === undefined) return encodeContainer(value, depth, undefined);
  if (ancestors.includes(value)) {
    throw new Unkeyable('cycle', 'a reference to one of its own ancestors (a cycle)');
  }
  ancestors.push(value);
  const encoded = encodeContainer(value, depth, ancestors);
  ancestors.pop();
  return encoded;
}

const dateGetTime = Date.prototype.getTime;

function encodeContainer(value: object, depth: number, ancestors: object[] | undefined): string {
  if (Array.isArray(value)) return encodeArray(value, depth, ancestors);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return encodePlain(value, depth, ancestors);
  // The codec's classification: exact built-in prototypes only (a subclass may hold identity in
  // its own fields, and a faked Symbol.toStringTag cannot pass), plus Buffer and fake-timer Dates.
  const tag = builtinTag(value);
  switch (tag) {
    case undefined:
      break;
    case 'Date':
      return `Date(${encodeNumber(dateGetTime.call(value))})`;
    case 'Map':
      return encodeMap(value as Map<unknown, unknown>, depth, ancestors);
    case 'Set':
      return encodeSet(value as Set<unknown>, depth, ancestors);
    case 'RegExp':
      return `RegExp(${quote((value as RegExp).source)},${quote((value as RegExp).flags)})`;
    case 'Number':
      return `Number(${encodeNumber(Number.prototype.valueOf.call(value))})`;
    case 'String':
      return `String(${quote(String.prototype.valueOf.call(value))})`;
    case 'Boolean':
      return `Boolean(${Boolean.prototype.valueOf.call(value)})`;
    case 'ArrayBuffer':
      return `ArrayBuffer[${new Uint8Array(value as ArrayBuffer).join(',')}]`;
    case 'DataView': {
      const view = value as DataView;
      return `DataView[${new Uint8Array(view.buffer, view.byteOffset, view.byteLength).join(',')}]`;
    }
    default:
      // Every other tag is a typed array (plain arrays were handled above).
      return encodeTypedArray(value as ArrayBufferView, tag);
  }
  if (typeof URL === 'function' && proto === URL.prototype) {
    return `URL(${quote((value as URL).href)})`;
  }
  // A plain object made in another realm (vm context, iframe): its prototype's prototype is null.
  if (typeof proto === 'object' && Object.getPrototypeOf(proto) === null) {
    return encodePlain(value, depth, ancestors);
  }
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  throw new Unkeyable(
    'unsupported-type',
    `an instance of ${typeof name === 'string' && name !== '' ? name : 'an unknown class'}`,
  );
}

function encodePlain(value: object, depth: number, ancestors: object[] | undefined): string {
  const keys = Object.keys(value);
  sortKeys(keys);
  let out = '{';
  let key = '';
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i] as string;
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${quote(key)}:${encodeValue(item, depth, ancestors)}`;
    }
  } catch (error) {
    throw through(error, keySegment(key));
  }
  return `${out}}`;
}

/**
 * Sort by UTF-16 code unit, in place. Insertion sort: inputs have few keys, often already in
 * order (then it is one comparison per key), and it beats `Array#sort`'s setup cost there.
 */
function sortKeys(keys: string[]): void {
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

function encodeArray(
  value: readonly unknown[],
  depth: number,
  ancestors: object[] | undefined,
): string {
  let out = '[';
  const length = value.length;
  let i = 0;
  try {
    for (; i < length; i++) {
      if (i > 0) out += ',';
      const item = value[i];
      if (item === undefined && !(i in value)) {
        // A hole is an empty slot; a trailing one needs an extra comma, as in the JS literal `[1,,]`.
        if (i === length - 1) out += ',';
      } else {
        out += encodeValue(item, depth, ancestors);
      }
    }
  } catch (error) {
    throw through(error, `[${i}]`);
  }
  return `${out}]`;
}

function encodeMap(
  value: ReadonlyMap<unknown, unknown>,
  depth: number,
  ancestors: object[] | undefined,
): string {
  const entries: string[] = [];
  for (const [key, item] of value) {
    try {
      entries.push(`${encodeValue(key, depth, ancestors)}=>${encodeValue(item, depth, ancestors)}`);
    } catch (error) {
      throw through(error, `[map entry ${entries.length}]`);
    }
  }
  return `Map{${entries.sort().join(',')}}`;
}

function encodeSet(
  value: ReadonlySet<unknown>,
  depth: number,
  ancestors: object[] | undefined,
): string {
  const items: string[] = [];
  for (const item of value) {
    try {
      items.push(encodeValue(item, depth, ancestors));
    } catch (error) {
      throw through(error, `[set item ${items.length}]`);
    }
  }
  return `Set[${items.sort().join(',')}]`;
}

function encodeTypedArray(value: ArrayBufferView, name: string): string {
  const items = value as unknown as ArrayLike<number | bigint> & {
    join(separator: string): string;
  };
  if (!name.startsWith('Float')) return `${name}[${items.join(',')}]`;
  // Float arrays can hold -0 and NaN, which join() would blur.
  let out = '';
  for (let i = 0; i < items.length; i++) {
    out += `${i > 0 ? ',' : ''}${encodeNumber(items[i] as number)}`;
  }
  return `${name}[${out}]`;
}
