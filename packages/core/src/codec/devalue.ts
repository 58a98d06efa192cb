import { DevalueError, parse, type StringifyOptions, stringify } from 'devalue';
import {
  BUILTIN_TAGS,
  builtinTag,
  hasEnumerableSymbols,
  isPlainObject,
  tagOf,
} from '../builtins.js';
import type { CodecError } from '../errors.js';
import type { Codec } from './types.js';
import {
  decodeFailed,
  describeUnsupported,
  encodeFailed,
  ROOT_PATH,
  unsupportedValue,
} from './unsupported.js';

const ID = 'devalue1';

const utf8Encoder = new TextEncoder();
// fatal: corrupt bytes must fail to decode (a miss), not turn into U+FFFD inside a cached string.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// devalue's own checks let through what routecache must refuse: a subclass of a built-in (a
// `class Money extends Map` has the tag `Map` and would decode as a plain Map) and an object whose
// prototype merely looks like Object.prototype. These two overrides make both checks exact and
// leave everything else (URL, Temporal, the walk itself) to devalue.
const STRICT_OPERATIONS: StringifyOptions = {
  operations: {
    tagOf(value: object): string {
      const tag = tagOf(value);
      // A known tag on the wrong prototype is demoted to `Object`, so devalue's shape check
      // (below) refuses it as a non-plain object.
      return BUILTIN_TAGS.has(tag) && builtinTag(value) !== tag ? 'Object' : tag;
    },
    shapeOf(value: object) {
      if (!isPlainObject(value)) return { kind: 'not-plain' };
      if (hasEnumerableSymbols(value)) return { kind: 'symbol-keys' };
      const kind = Object.getPrototypeOf(value) === null ? 'null-proto' : 'plain';
      return { kind, keys: Object.keys(value) };
    },
  },
};

function toCodecError(error: unknown): CodecError {
  if (!(error instanceof DevalueError)) return encodeFailed(ID, error);
  const detail = error.message.includes('__proto__') ? 'has an own "__proto__" key' : undefined;
  return unsupportedValue(
    ID,
    ROOT_PATH + error.path,
    describeUnsupported(error.value, detail),
    error,
  );
}

/**
 * A text codec: [devalue](https://github.com/sveltejs/devalue) `stringify`/`parse`, as UTF-8, so
 * stored entries stay readable (e.g. in `redis-cli`). Runs on every runtime. Measured against
 * the default {@link binaryCodec} (`pnpm bench codec`, the small, 100-row and Map/Set/BigInt
 * payloads): encode 2.5–5.1× slower, decode 1.3–3.3× slower, 1.9–3.0× the bytes; against
 * superjson, encode 1.7–5× and decode 3–11× faster.
 *
 * Round-trips `undefined`, `NaN`, `±Infinity`, `-0`, `BigInt`, `Date`, `RegExp`, `Map`, `Set`,
 * every typed array, `DataView`, `ArrayBuffer`, `URL`, boxed primitives, sparse arrays,
 * null-prototype objects, and shared or cyclic references (an object reachable twice decodes as
 * one object). A Node `Buffer` decodes as a `Uint8Array`, a `Date` subclass as a `Date`.
 *
 * @throws {CodecError} `ROUTECACHE_CODEC_UNSUPPORTED_VALUE` from `encode` for a function, a
 * symbol, a promise, an object with enumerable symbol keys, or a class instance (including
 * subclasses of built-ins); the message names the path, e.g. `value.user.save is a function`,
 * and `cause` is devalue's error. `ROUTECACHE_CODEC_DECODE_FAILED` from `decode` for bytes it
 * did not make.
 *
 * @example
 * ```ts
 * const cache = createCache({ codec: devalueCodec, readCodecs: [defaultCodec] });
 * const bytes = devalueCodec.encode({ at: new Date(0), ids: new Set([1n, 2n]) });
 * devalueCodec.decode(bytes); // { at: Date(0), ids: Set { 1n, 2n } }
 * devalueCodec.encode({ save() {} }); // throws CodecError: value.save is a function
 * ```
 */
export const devalueCodec: Codec = {
  id: ID,
  encode(value: unknown): Uint8Array {
    let text: string;
    try {
      text = stringify(value, undefined, STRICT_OPERATIONS);
    } catch (error) {
      throw toCodecError(error);
    }
    return utf8Encoder.encode(text);
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return parse(utf8Decoder.decode(bytes));
    } catch (error) {
      throw decodeFailed(ID, bytes, error);
    }
  },
};
