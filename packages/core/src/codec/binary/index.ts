import type { Codec } from '../types.js';
import { decodeFailed, encodeFailed } from '../unsupported.js';
import { decodeBinary } from './decode.js';
import { encodeBinary } from './encode.js';

const ID = 'rcb1';

/**
 * routecache's own compact binary codec (`rcb1`), in plain JavaScript for every runtime. It walks
 * the value once, writing type-tagged bytes (format in `binary/encode.ts`): no intermediate JSON
 * text, object keys spelled once per payload, integers as varints.
 *
 * Round-trips `undefined`, `NaN`, `±Infinity`, `-0`, `BigInt`, `Date`, `RegExp`, `Map`, `Set`,
 * every typed array, `DataView`, `ArrayBuffer`, boxed primitives, sparse arrays, null-prototype
 * objects, strings with lone surrogates, and shared or cyclic references (an object reachable
 * twice decodes as one object). A Node `Buffer` decodes as a `Uint8Array`, a `Date` subclass
 * (e.g. under fake timers) as a `Date`. Typed array bytes are written in host byte order.
 *
 * @throws {CodecError} `ROUTECACHE_CODEC_UNSUPPORTED_VALUE` from `encode` for a function, a
 * symbol, an object with enumerable symbol keys, or a class instance (including subclasses of
 * built-ins, `URL` and promises); the message names the path, e.g.
 * `value.user.save is a function`. `ROUTECACHE_CODEC_DECODE_FAILED` from `decode` for bytes it
 * did not make; decoding never allocates more than the input's size.
 *
 * @example
 * ```ts
 * const bytes = binaryCodec.encode({ at: new Date(0), ids: new Set([1n, 2n]) });
 * binaryCodec.decode(bytes); // { at: Date(0), ids: Set { 1n, 2n } }
 * binaryCodec.encode({ save() {} }); // throws CodecError: value.save is a function
 * ```
 */
export const binaryCodec: Codec = {
  id: ID,
  encode(value: unknown): Uint8Array {
    try {
      return encodeBinary(ID, value);
    } catch (error) {
      throw encodeFailed(ID, error);
    }
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return decodeBinary(bytes);
    } catch (error) {
      throw decodeFailed(ID, bytes, error);
    }
  },
};
