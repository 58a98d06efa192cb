import { devalueCodec } from './devalue.js';
import type { Codec } from './types.js';

export { codecMap } from './codec-map.js';
export { devalueCodec } from './devalue.js';
export { decodeEnvelope, encodeEnvelope } from './envelope.js';
export type { Codec } from './types.js';

/**
 * The codec a cache uses unless told otherwise: {@link devalueCodec} (id `devalue1`), chosen by
 * measurement as the fastest candidate that runs on every runtime. On Node, `v8Codec` from
 * `@routecache/core/codec/v8` is faster still.
 *
 * Any object with a stable `id`, `encode` and `decode` can replace it, e.g. one on superjson.
 * Unlike the built-in codecs, superjson does not refuse class instances (they become plain
 * objects) and needs custom rules for typed arrays, so prefer it only for its custom-class
 * registry.
 *
 * @example
 * ```ts
 * import superjson from 'superjson';
 * import { type Codec, CodecError, createCache } from '@routecache/core';
 *
 * const superjsonCodec: Codec = {
 *   id: 'superjson2',
 *   encode(value) {
 *     if (typeof value === 'function') {
 *       throw new CodecError('ROUTECACHE_CODEC_UNSUPPORTED_VALUE', 'value is a function');
 *     }
 *     return new TextEncoder().encode(JSON.stringify(superjson.serialize(value)));
 *   },
 *   decode: (bytes) => superjson.deserialize(JSON.parse(new TextDecoder().decode(bytes))),
 * };
 * const cache = createCache({ codec: superjsonCodec });
 * ```
 */
export const defaultCodec: Codec = devalueCodec;
