/*
 * Why rcb1 and not a library. Against msgpackr 2 and cbor-x 1 (records + structured clone), each
 * behind the rejecting pass it needs to be as safe as rcb1 (bench/src/codec-guard.ts: refuse
 * class instances, and what each silently changes: -0, array holes, null prototypes, lone
 * surrogates, own `__proto__` keys, boxed primitives; for cbor-x also ArrayBuffer, DataView and
 * Dates beyond about ±4.4e15 ms), `pnpm bench codec`, medians of 3 runs (Node 20, 2 shared cores),
 * contender ÷ rcb1; the rule was to adopt a library only at ≤ 1.10× on all nine cells:
 *
 *                                msgpackr + guard          cbor-x + guard
 *   payload                      encode  decode  bytes     encode  decode  bytes
 *   small {id, name, createdAt}  1.49×   1.10×   0.94×     0.77×   0.83×   1.04×
 *   medium: 100 rows             1.14×   0.94×   0.72×     1.08×   0.75×   0.83×
 *   rich: Map/Set/BigInt         1.77×   0.62×   0.89×     2.60×   0.43×   0.85×
 *
 * Both write fewer bytes and mostly decode faster, but encode slower: the rejecting pass is a
 * second walk over the value. On the rich payload encoding cost 1.3–5.5× rcb1's in every one of
 * six runs (two sets of three; the machine was loaded, so single cells swing, this one never
 * fell under the bar). So rcb1 stays; either library would also refuse values rcb1 round-trips
 * (-0, holes, lone surrogates…), serving them uncached.
 */
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
    return encodeOrFail(value, false);
  },
  encodeTransient(value: unknown): Uint8Array {
    return encodeOrFail(value, true);
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return decodeBinary(bytes);
    } catch (error) {
      throw decodeFailed(ID, bytes, error);
    }
  },
};

function encodeOrFail(value: unknown, transient: boolean): Uint8Array {
  try {
    return encodeBinary(ID, value, transient);
  } catch (error) {
    throw encodeFailed(ID, error);
  }
}
