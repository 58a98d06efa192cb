/**
 * The `node:v8` contender of the codec benchmark, made as safe as the shipped codecs: node:v8
 * turns class instances into plain objects and drops symbol keys without a word, so a real v8
 * codec must walk the value first and refuse what it would corrupt. The walk below does that
 * (same rules as routecache's codecs: plain objects, exact built-ins, any real Date, Buffers),
 * so the measured cost is what shipping such a codec would cost.
 */
import { deserialize, serialize } from 'node:v8';
import type { Codec } from '@routecache/core';

const BUILTINS = new Set<unknown>(
  [
    Array,
    Date,
    RegExp,
    Map,
    Set,
    ArrayBuffer,
    DataView,
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
    Number,
    String,
    Boolean,
  ].map((ctor) => ctor.prototype),
);

const refuse = (what: string): never => {
  throw new Error(`v8 contender refuses ${what}`);
};

function walk(value: unknown, seen: Set<object>): void {
  if (typeof value === 'function' || typeof value === 'symbol') refuse(typeof value);
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    if (Object.getOwnPropertySymbols(value).length > 0) refuse('symbol keys');
    for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], seen);
    return;
  }
  if (!BUILTINS.has(proto) && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    refuse('a class instance');
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, seen);
  } else if (value instanceof Map) {
    for (const [key, item] of value) {
      walk(key, seen);
      walk(item, seen);
    }
  } else if (value instanceof Set) {
    for (const item of value) walk(item, seen);
  }
}

/** node:v8 serialize/deserialize after the validation walk. */
export const v8Contender: Codec = {
  id: 'v8 + walk',
  encode(value) {
    walk(value, new Set());
    return serialize(value);
  },
  decode: (bytes) => deserialize(bytes),
};

/** node:v8 alone: unsafe (class instances silently become plain objects), for reference. */
export const v8RawContender: Codec = {
  id: 'v8 raw (unsafe)',
  encode: (value) => serialize(value),
  decode: (bytes) => deserialize(bytes),
};
