import { deserialize, serialize } from 'node:v8';
import { CodecError } from '../errors.js';
import { assertEncodable } from './assert-encodable.js';
import type { Codec } from './types.js';
import { ROOT_PATH, unsupportedValue } from './unsupported.js';

const ID = 'v8-1';

/**
 * A Node-only codec on `node:v8` `serialize`/`deserialize` (the structured clone format),
 * imported from `@routecache/core/codec/v8`. In `bench/src/codec.ts` it encoded 1.3–4× and
 * decoded 1.1–2× faster than the default devalue codec, and its output is about half the size.
 *
 * It round-trips the same values as the default codec, including shared and cyclic references,
 * except `URL` (refused) and null-prototype objects (they decode with `Object.prototype`). Because `node:v8` silently turns class instances into plain objects and
 * drops symbol keys, every value is first walked once and refused the same way the default codec
 * refuses it.
 *
 * Use it when every process that reads the store runs Node. A newer Node can read what an older
 * one wrote, not always the reverse: during a rolling upgrade an entry written by the newer
 * version may be a miss (never an error) on the older one.
 *
 * @throws {CodecError} `ROUTECACHE_CODEC_UNSUPPORTED_VALUE` from `encode` for a function, a
 * symbol, an object with symbol keys or a class instance, naming its path
 * (`value.user.save is a function`); `ROUTECACHE_CODEC_DECODE_FAILED` from `decode`.
 *
 * @example
 * ```ts
 * import { createCache } from '@routecache/core';
 * import { v8Codec } from '@routecache/core/codec/v8';
 *
 * const cache = createCache({ store: redisStore({ client }), codec: v8Codec });
 * ```
 */
export const v8Codec: Codec = {
  id: ID,
  encode(value: unknown): Uint8Array {
    assertEncodable(ID, value);
    try {
      return serialize(value);
    } catch (error) {
      // What the walk lets through but v8 still cannot clone (e.g. a URL).
      const reason = error instanceof Error ? error.message : String(error);
      throw unsupportedValue(ID, ROOT_PATH, `cannot be encoded (${reason})`, error);
    }
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return deserialize(bytes);
    } catch (error) {
      throw new CodecError(
        'ROUTECACHE_CODEC_DECODE_FAILED',
        `Codec "${ID}" cannot decode the bytes`,
        {
          cause: error,
          context: { codec: ID, length: bytes.length },
        },
      );
    }
  },
};
