import { TYPED_ARRAY_TAGS } from '../../builtins.js';

/**
 * Type tags of the routecache binary codec (`rcb1`). One byte before every value; the wire
 * format is documented in `encode.ts`. Never renumber: bytes written by one release must decode
 * in the next (a new layout gets a new codec id instead).
 */
export const Tag = {
  Undefined: 0,
  Null: 1,
  False: 2,
  True: 3,
  /** Zigzag varint, for integers in the int32 range (never -0). */
  Int: 4,
  Float64: 5,
  String: 6,
  /** Sign byte (0 or 1) + string of the magnitude in base 16 (lower-case hex digits). */
  BigInt: 7,
  /** Varint length + that many values (holes as `Hole`). */
  Array: 8,
  /** Varint length + varint count + count × (varint index, value): for mostly-empty arrays. */
  SparseArray: 9,
  /** Varint count + count × (key, value); keys are interned, see `encode.ts`. */
  Object: 10,
  NullProtoObject: 11,
  /** Float64 time value (NaN for an invalid date). */
  Date: 12,
  /** Source string + flags string. */
  RegExp: 13,
  /** Varint count + count × (key value, value). */
  Map: 14,
  /** Varint count + count × value. */
  Set: 15,
  /** Kind byte (index in TYPED_ARRAYS) + varint byte length + the bytes. */
  TypedArray: 16,
  /** Varint byte length + the bytes. */
  ArrayBuffer: 17,
  DataView: 18,
  /** Varint index of an object met earlier (shared reference or cycle). */
  Ref: 19,
  /** An array hole. */
  Hole: 20,
  /** A boxed primitive (`new String('x')`): the primitive follows. */
  Boxed: 21,
} as const;

/** Typed array constructors by kind byte (a missing one, like Float16Array on Node 20, decodes to an error). */
export const TYPED_ARRAYS: readonly string[] = TYPED_ARRAY_TAGS;
