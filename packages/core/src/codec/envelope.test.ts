import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, InvalidOptionError } from '../errors.js';
import { type CacheEntry, ENTRY_FORMAT } from '../stores/types.js';
import { codecMap, decodeEnvelope, defaultCodec, devalueCodec, encodeEnvelope } from './index.js';
import type { Codec } from './types.js';

const jsonCodec: Codec = {
  id: 'json',
  encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
  decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
};

function entryOf(value: unknown, overrides: Partial<CacheEntry> = {}, codec = defaultCodec) {
  const bytes = codec.encode(value);
  return {
    format: ENTRY_FORMAT,
    codec: codec.id,
    kind: 'value',
    value,
    bytes,
    etag: '"3q2+7w"',
    storedAt: 1_700_000_000_000,
    freshUntil: 1_700_000_060_000,
    staleUntil: 1_700_000_120_000,
    tags: ['users', 'user:42', 'ünïcode 🌍'],
    size: bytes.length,
    ...overrides,
  } satisfies CacheEntry;
}

const codecs = codecMap(defaultCodec, [devalueCodec, jsonCodec]);
const sample = entryOf({ id: 42, createdAt: new Date(0), roles: new Set(['admin']) });
const sampleBytes = encodeEnvelope(sample);

describe('encodeEnvelope / decodeEnvelope', () => {
  it('round-trips every field and decodes the live value', () => {
    expect(sampleBytes[0]).toBe(0xfe);
    expect(sampleBytes[1]).toBe(ENTRY_FORMAT);
    expect(decodeEnvelope(sampleBytes, codecs)).toStrictEqual(sample);
  });

  it.each([
    ['a stream without etag or tags', { kind: 'stream', etag: undefined, tags: [] }],
    ['an entry that never goes stale', { staleUntil: Number.POSITIVE_INFINITY }],
    ['an empty etag', { etag: '' }],
  ] as const)('round-trips %s', (_name, overrides) => {
    const entry = entryOf({ chunks: [1, 2], returnValue: undefined }, overrides);
    expect(decodeEnvelope(encodeEnvelope(entry), codecs)).toStrictEqual(entry);
  });

  it('decodes with the codec named in the envelope, among several', () => {
    for (const codec of [defaultCodec, devalueCodec, jsonCodec]) {
      const entry = entryOf({ list: [1, 'two'] }, {}, codec);
      const decoded = decodeEnvelope(encodeEnvelope(entry), codecs);
      expect(decoded?.codec).toBe(codec.id);
      expect(decoded?.value).toEqual({ list: [1, 'two'] });
    }
  });

  it('reads an envelope inside a larger Buffer (as Redis clients hand them out)', () => {
    const data = Buffer.concat([Buffer.from('junk'), sampleBytes, Buffer.from('more')]);
    const view = data.subarray(4, 4 + sampleBytes.length);
    const decoded = decodeEnvelope(view, codecs);
    expect(decoded).toStrictEqual(sample);
    // The entry owns its bytes: reusing the receive buffer does not change it.
    data.fill(0);
    expect(decoded?.bytes).toStrictEqual(sample.bytes);
  });

  it('refuses an entry without bytes, or with an unstorable codec id, etag or tags', () => {
    const { bytes: _bytes, ...withoutBytes } = sample;
    for (const entry of [
      withoutBytes,
      { ...sample, codec: '' },
      { ...sample, codec: 'x'.repeat(256) },
      { ...sample, etag: `"${'e'.repeat(70_000)}"` },
      { ...sample, tags: ['t'.repeat(70_000)] },
      { ...sample, tags: Array.from({ length: 65_536 }, (_, index) => `t${index}`) },
    ]) {
      // Its own code: the value was encodable, the envelope's limits are what it broke.
      expect(() => encodeEnvelope(entry)).toThrow(
        expect.objectContaining({ code: 'ROUTECACHE_CODEC_ENVELOPE_INVALID' }),
      );
      expect(() => encodeEnvelope(entry)).toThrow(CodecError);
    }
    expect(() => encodeEnvelope(withoutBytes)).toThrow(/entry\.bytes is missing/);
  });
});

describe('decodeEnvelope misses (undefined, never a throw)', () => {
  const patched = (offset: number, byte: number): Uint8Array => {
    const copy = sampleBytes.slice();
    copy[offset] = byte;
    return copy;
  };

  it('on another format version', () => {
    expect(decodeEnvelope(patched(1, ENTRY_FORMAT + 1), codecs)).toBeUndefined();
    expect(decodeEnvelope(patched(1, 0), codecs)).toBeUndefined();
  });

  it('on a wrong magic byte or unknown flags', () => {
    expect(decodeEnvelope(patched(0, 0x7b), codecs)).toBeUndefined();
    expect(decodeEnvelope(patched(2, 0b100), codecs)).toBeUndefined();
  });

  it('on a codec id the cache does not know', () => {
    expect(decodeEnvelope(sampleBytes, codecMap(devalueCodec))).toBeUndefined();
    const entry = entryOf(1, { codec: 'msgpack' }, jsonCodec);
    expect(decodeEnvelope(encodeEnvelope(entry), codecs)).toBeUndefined();
  });

  it('on every truncation and on trailing bytes', () => {
    for (let length = 0; length < sampleBytes.length; length += 1) {
      expect(decodeEnvelope(sampleBytes.subarray(0, length), codecs)).toBeUndefined();
    }
    const padded = new Uint8Array([...sampleBytes, 0]);
    expect(decodeEnvelope(padded, codecs)).toBeUndefined();
  });

  it('on value bytes the codec cannot decode', () => {
    const entry = { ...sample, bytes: new Uint8Array([0xff, 1, 2]) };
    expect(decodeEnvelope(encodeEnvelope(entry), codecs)).toBeUndefined();
  });

  it('on random bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (random, withHeader) => {
        // Half the inputs start with a valid magic + version, to get past the first check.
        const data = withHeader ? new Uint8Array([0xfe, ENTRY_FORMAT, ...random]) : random;
        expect(() => decodeEnvelope(data, codecs)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('on corrupted bytes of a valid envelope (fuzz): a miss or a well-formed entry', () => {
    const mutation = fc.array(
      fc.tuple(fc.nat(sampleBytes.length - 1), fc.integer({ min: 0, max: 255 })),
      {
        minLength: 1,
        maxLength: 4,
      },
    );
    fc.assert(
      fc.property(mutation, fc.nat(sampleBytes.length), (changes, cut) => {
        const data = sampleBytes.slice(0, Math.max(cut, sampleBytes.length - 8));
        for (const [offset, byte] of changes) if (offset < data.length) data[offset] = byte;
        const entry = decodeEnvelope(data, codecs);
        if (entry !== undefined) {
          expect(entry.format).toBe(ENTRY_FORMAT);
          expect(codecs.has(entry.codec)).toBe(true);
          expect(Array.isArray(entry.tags)).toBe(true);
          expect(Number.isNaN(entry.staleUntil)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('codecMap', () => {
  it('maps the primary and extra codecs by id', () => {
    const map = codecMap(devalueCodec, [defaultCodec, devalueCodec]);
    expect([...map.keys()]).toEqual(['devalue1', 'rcb1']);
    expect(map.get('rcb1')).toBe(defaultCodec);
  });

  it('refuses two different codecs with one id, naming the option', () => {
    const impostor: Codec = { ...jsonCodec, id: 'rcb1' };
    expect(() => codecMap(defaultCodec, [impostor])).toThrow(InvalidOptionError);
    expect(() => codecMap(defaultCodec, [impostor])).toThrow(/codecs\[0\]/);
  });

  it('refuses malformed codecs at creation time', () => {
    expect(() => codecMap({ ...jsonCodec, id: '' })).toThrow(/"codec\.id"/);
    expect(() => codecMap({ ...jsonCodec, id: 'é'.repeat(200) })).toThrow(InvalidOptionError);
    const noDecode = { id: 'broken', encode: jsonCodec.encode } as unknown as Codec;
    expect(() => codecMap(defaultCodec, [noDecode])).toThrow(/codecs\[0\]/);
  });
});
