import { InvalidOptionError } from '../errors.js';
import { received } from '../options/validate.js';
import type { Codec } from './types.js';

const utf8Encoder = new TextEncoder();

function checkCodec(codec: Codec, option: string): void {
  if (typeof codec !== 'object' || codec === null) {
    throw new InvalidOptionError(
      option,
      `must be a codec object { id, encode, decode }, ${received(codec)}`,
    );
  }
  const idLength = typeof codec.id === 'string' ? utf8Encoder.encode(codec.id).length : 0;
  // The envelope stores the id in at most 255 bytes (see envelope.ts).
  if (idLength === 0 || idLength > 0xff) {
    throw new InvalidOptionError(
      `${option}.id`,
      `must be a non-empty string of at most 255 bytes, ${received(codec.id)}`,
    );
  }
  if (typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new InvalidOptionError(
      option,
      `codec "${codec.id}" must have encode and decode functions`,
    );
  }
}

/**
 * The codecs a cache can read, by id: the `primary` codec it writes with, plus `extra` codecs
 * whose entries it still accepts (e.g. the previous codec while migrating). Build it once, when
 * the cache is created, and pass it to {@link decodeEnvelope}.
 *
 * @throws {InvalidOptionError} (option `codec` or `codecs[i]`) when a codec has no id, an id over
 * 255 bytes, no encode/decode function, or two different codecs share one id.
 *
 * @example
 * ```ts
 * const codecs = codecMap(defaultCodec, [devalueCodec]); // write rcb1, still read devalue entries
 * decodeEnvelope(bytes, codecs);
 * ```
 */
export function codecMap(primary: Codec, extra: readonly Codec[] = []): ReadonlyMap<string, Codec> {
  checkCodec(primary, 'codec');
  const map = new Map<string, Codec>([[primary.id, primary]]);
  extra.forEach((codec, index) => {
    const option = `codecs[${index}]`;
    checkCodec(codec, option);
    const existing = map.get(codec.id);
    if (existing !== undefined && existing !== codec) {
      throw new InvalidOptionError(option, `another codec already uses the id "${codec.id}"`);
    }
    map.set(codec.id, codec);
  });
  return map;
}
