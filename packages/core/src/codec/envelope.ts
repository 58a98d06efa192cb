import { CodecError } from '../errors.js';
import type { CacheEntry } from '../stores/types.js';
import { type Codec, ENTRY_FORMAT } from './types.js';

/*
 * Entry envelope, version 1 (all integers and floats big-endian):
 *
 *   offset size  field
 *   0      1     magic 0xFE: never a byte of UTF-8 text, so no string can pass for an envelope
 *   1      1     format version (ENTRY_FORMAT)
 *   2      1     flags: bit 0 = kind 'stream', bit 1 = has etag; other bits must be 0
 *   3      1     codec id length in bytes (1-255)
 *   4      8     storedAt    float64 (epoch ms)
 *   12     8     freshUntil  float64
 *   20     8     staleUntil  float64 (Infinity allowed)
 *   28     8     size        float64
 *   36     4     value byte length (uint32)
 *   40     2     tag count (uint16)
 *   42     …     codec id (UTF-8)
 *          …     etag, if flagged: uint16 length + UTF-8
 *          …     each tag: uint16 length + UTF-8
 *          …     value bytes: exactly the declared length, ending the envelope
 *
 * Fixed-width fields keep decoding to a few DataView reads; the declared value length makes a
 * truncated or padded envelope detectable before the codec ever sees it.
 */
const MAGIC = 0xfe;
const FLAG_STREAM = 0b01;
const FLAG_ETAG = 0b10;
const FIXED_HEADER = 42;
const MAX_U16 = 0xffff;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function invalidEntry(problem: string, context: Record<string, unknown> = {}): CodecError {
  return new CodecError(
    'ROUTECACHE_CODEC_ENVELOPE_INVALID',
    `Cannot write entry envelope: ${problem}`,
    { context },
  );
}

function shortString(bytes: Uint8Array, field: string): Uint8Array {
  if (bytes.length > MAX_U16) throw invalidEntry(`${field} is longer than ${MAX_U16} bytes`);
  return bytes;
}

/**
 * Serialize a cache entry for an out-of-process store: a versioned binary envelope holding the
 * entry's metadata and its codec bytes (`entry.bytes`, made once at fill time; the live `value`
 * is not re-encoded).
 *
 * @throws {CodecError} `ROUTECACHE_CODEC_ENVELOPE_INVALID` when `entry.bytes` is missing, the
 * codec id is empty or longer than 255 bytes, or the etag, a tag or the tag count exceeds 65535.
 *
 * @example
 * ```ts
 * const bytes = defaultCodec.encode(value);
 * const entry: CacheEntry = { format: ENTRY_FORMAT, codec: defaultCodec.id, kind: 'value', value,
 *   bytes, etag: '"abc"', storedAt: now, freshUntil: now + 60_000, staleUntil: now + 120_000,
 *   tags: ['users'], size: bytes.length };
 * await redis.set(key, Buffer.from(encodeEnvelope(entry)));
 * ```
 */
export function encodeEnvelope(entry: CacheEntry): Uint8Array {
  const { bytes } = entry;
  if (bytes === undefined) {
    throw invalidEntry('entry.bytes is missing (encode entry.value with its codec first)', {
      codec: entry.codec,
    });
  }
  const codecId = utf8Encoder.encode(entry.codec);
  if (codecId.length === 0 || codecId.length > 0xff) {
    throw invalidEntry('the codec id must be 1 to 255 bytes of UTF-8', { codec: entry.codec });
  }
  if (entry.tags.length > MAX_U16) throw invalidEntry(`more than ${MAX_U16} tags`);
  const etag =
    entry.etag === undefined ? undefined : shortString(utf8Encoder.encode(entry.etag), 'etag');
  const tags = entry.tags.map((tag) => shortString(utf8Encoder.encode(tag), `tag "${tag}"`));

  let length = FIXED_HEADER + codecId.length + (etag ? 2 + etag.length : 0) + bytes.length;
  for (const tag of tags) length += 2 + tag.length;

  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint8(0, MAGIC);
  view.setUint8(1, ENTRY_FORMAT);
  view.setUint8(2, (entry.kind === 'stream' ? FLAG_STREAM : 0) | (etag ? FLAG_ETAG : 0));
  view.setUint8(3, codecId.length);
  view.setFloat64(4, entry.storedAt);
  view.setFloat64(12, entry.freshUntil);
  view.setFloat64(20, entry.staleUntil);
  view.setFloat64(28, entry.size);
  view.setUint32(36, bytes.length);
  view.setUint16(40, tags.length);
  out.set(codecId, FIXED_HEADER);
  let offset = FIXED_HEADER + codecId.length;
  for (const field of etag ? [etag, ...tags] : tags) {
    view.setUint16(offset, field.length);
    out.set(field, offset + 2);
    offset += 2 + field.length;
  }
  out.set(bytes, offset);
  return out;
}

/**
 * Read an envelope written by {@link encodeEnvelope} and decode its value with the codec named
 * in it. Returns `undefined` (a cache miss) for anything it cannot trust: another format
 * version, a codec id missing from `codecs`, truncated, padded or corrupt bytes, or value bytes
 * the codec fails to decode. It never throws.
 *
 * The returned entry holds both the decoded live `value` and a copy of its codec `bytes`.
 *
 * @example
 * ```ts
 * const codecs = codecMap(defaultCodec);
 * const entry = decodeEnvelope(await redis.getBuffer(key), codecs);
 * if (entry === undefined) return miss();
 * ```
 */
export function decodeEnvelope(
  data: Uint8Array,
  codecs: ReadonlyMap<string, Codec>,
): CacheEntry | undefined {
  try {
    return readEnvelope(data, codecs);
  } catch {
    // Corrupt UTF-8, a failing codec, a DataView read past the end: all the same miss.
    return undefined;
  }
}

function readEnvelope(
  data: Uint8Array,
  codecs: ReadonlyMap<string, Codec>,
): CacheEntry | undefined {
  if (data.length < FIXED_HEADER) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint8(0) !== MAGIC || view.getUint8(1) !== ENTRY_FORMAT) return undefined;
  const flags = view.getUint8(2);
  if ((flags & ~(FLAG_STREAM | FLAG_ETAG)) !== 0) return undefined;
  const storedAt = view.getFloat64(4);
  const freshUntil = view.getFloat64(12);
  const staleUntil = view.getFloat64(20);
  const size = view.getFloat64(28);
  if ([storedAt, freshUntil, staleUntil, size].some(Number.isNaN)) return undefined;
  const valueLength = view.getUint32(36);
  const tagCount = view.getUint16(40);

  let offset = FIXED_HEADER;
  const readString = (byteLength: number): string => {
    if (offset + byteLength > data.length) throw new RangeError('truncated envelope');
    const text = utf8Decoder.decode(data.subarray(offset, offset + byteLength));
    offset += byteLength;
    return text;
  };
  const readShortString = (): string => {
    const byteLength = view.getUint16(offset);
    offset += 2;
    return readString(byteLength);
  };

  const codec = codecs.get(readString(view.getUint8(3)));
  if (codec === undefined) return undefined;
  const etag = flags & FLAG_ETAG ? readShortString() : undefined;
  const tags: string[] = [];
  for (let index = 0; index < tagCount; index += 1) tags.push(readShortString());
  if (offset + valueLength !== data.length) return undefined;

  // A copy, so the entry does not pin (or share) the store client's receive buffer.
  const bytes = new Uint8Array(data.subarray(offset));
  return {
    format: ENTRY_FORMAT,
    codec: codec.id,
    kind: flags & FLAG_STREAM ? 'stream' : 'value',
    value: codec.decode(bytes),
    bytes,
    etag,
    storedAt,
    freshUntil,
    staleUntil,
    tags,
    size,
  };
}
