import { binaryCodec } from './binary/index.js';
import type { Codec } from './types.js';

export { binaryCodec } from './binary/index.js';
export { codecMap } from './codec-map.js';
export { devalueCodec } from './devalue.js';
export { decodeEnvelope, encodeEnvelope } from './envelope.js';
export type { Codec } from './types.js';

/**
 * The codec a cache uses unless told otherwise: {@link binaryCodec} (id `rcb1`), chosen by
 * measurement (`pnpm bench codec`). msgpackr and cbor-x, behind the pass that makes them refuse
 * what they would silently change, write up to 28% fewer bytes and mostly decode faster, but
 * encode slower (up to 1.8× and 2.6× on the Map/Set/BigInt payload; ratios in `binary/index.ts`);
 * node:v8 writes more bytes and decodes slower; devalue and superjson are slower at both. It
 * runs on every runtime (no `node:` import).
 *
 * Any object with a stable `id`, `encode` and `decode` can replace it: {@link devalueCodec} for
 * entries readable as text, or your own, e.g. on superjson. Unlike the built-in codecs,
 * superjson does not refuse class instances (they become plain objects) and needs custom rules
 * for typed arrays, so prefer it only for its custom-class registry.
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
export const defaultCodec: Codec = binaryCodec;
