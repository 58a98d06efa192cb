import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../errors.js';
import { binaryCodec } from './index.js';
import { Tag } from './tags.js';

// Shared round-trip and refusal tests for every codec live in ../codec.test.ts; these cover what
// is specific to the rcb1 wire format and its decoder's robustness.
const roundTrip = (value: unknown): unknown => binaryCodec.decode(binaryCodec.encode(value));

function decodeError(bytes: Uint8Array): CodecError {
  try {
    binaryCodec.decode(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return error as CodecError;
  }
  throw new Error('expected a CodecError, nothing was thrown');
}

// Any UTF-16 code unit, lone surrogates included: JS strings are not always valid Unicode.
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

describe('rcb1 strings', () => {
  it.each([
    ['empty', ''],
    ['a BOM first', '\uFEFFstarts with a BOM'],
    ['a lone high surrogate (short)', 'a\uD800b'],
    ['a lone low surrogate (long, past the native decoder threshold)', `${'x'.repeat(40)}\uDC00`],
    ['astral characters', '🌍 𝄞 '.repeat(20)],
    ['two- and three-byte characters', 'é€'.repeat(50)],
    ['a NUL', 'a\u0000b'],
  ])('round-trips %s, as a value and as a key', (_name, text) => {
    expect(roundTrip(text)).toBe(text);
    expect(roundTrip({ [text]: text })).toStrictEqual({ [text]: text });
  });

  it('round-trips any sequence of UTF-16 code units (property)', () => {
    const text = fc.string({ unit: anyUnit, maxLength: 80 });
    fc.assert(
      fc.property(text, text, (key, value) => {
        expect(roundTrip({ [key]: [value] })).toStrictEqual({ [key]: [value] });
      }),
      { numRuns: 500 },
    );
  });

  it('writes a well-formed text as its UTF-8, by the loop or (from 16 code units) TextEncoder', () => {
    const utf8 = new TextEncoder();
    for (const unit of ['a', 'é', '€', '🌍']) {
      for (let count = 1; count <= 40; count++) {
        const text = unit.repeat(count);
        const bytes = binaryCodec.encode(text);
        const expected = utf8.encode(text);
        expect([...bytes.subarray(bytes.length - expected.length)]).toStrictEqual([...expected]);
        expect(roundTrip(text)).toBe(text);
      }
    }
  });

  it('spells each object key once per payload', () => {
    const rows = Array.from({ length: 100 }, (_, id) => ({ id, createdAt: new Date(id) }));
    const text = new TextDecoder().decode(binaryCodec.encode(rows));
    expect(text.split('createdAt')).toHaveLength(2);
  });
});

describe('rcb1 numbers and keys', () => {
  it.each([
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    -(2 ** 31) - 1,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    Number.MIN_VALUE,
    -1.5,
  ])('round-trips %d', (value) => {
    expect(roundTrip(value)).toBe(value);
  });

  it.each([0n, -1n, 1n, 2n ** 64n - 1n, -(2n ** 200n)])('round-trips %s (bigint)', (value) => {
    expect(roundTrip(value)).toBe(value);
  });

  it('writes a bigint as a sign byte and its magnitude in base 16', () => {
    const ff = [2, 0x66, 0x66]; // the string "ff": varint length + UTF-8
    expect([...binaryCodec.encode(255n)]).toEqual([Tag.BigInt, 0, ...ff]);
    expect([...binaryCodec.encode(-255n)]).toEqual([Tag.BigInt, 1, ...ff]);
  });

  it('keeps an own __proto__ key as data, without touching the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<
      string,
      unknown
    >;
    const decoded = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('encodes deterministically (the ETag is a hash of these bytes)', () => {
    const value = () => ({ b: new Map([[1, new Set(['x'])]]), a: [1.5, 2n, new Date(7)] });
    expect(binaryCodec.encode(value())).toStrictEqual(binaryCodec.encode(value()));
  });

  it('writes long mostly-empty arrays sparsely, and long dense ones densely', () => {
    const sparse: number[] = [];
    sparse[5000] = 1;
    expect(binaryCodec.encode(sparse).length).toBeLessThan(16);
    expect((roundTrip(sparse) as number[]).length).toBe(5001);
    const dense = Array.from({ length: 3000 }, (_, index) => index);
    expect(roundTrip(dense)).toStrictEqual(dense);
  });
});

describe('rcb1 encoder reuse (one scratch encoder serves every call)', () => {
  const shared = { id: 1 };
  const payload = { a: shared, b: shared, list: [shared], keys: { id: 2, name: 'x' } };

  it('gives the same bytes after a refused value, a large value and many keys or objects', () => {
    const expected = [...binaryCodec.encode(payload)];
    expect(() => binaryCodec.encode({ nested: { save() {} } })).toThrow(CodecError);
    binaryCodec.encode({ big: 'x'.repeat(200_000) });
    // Past the linear-scan size of the key and reference indexes (a Map takes over).
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, { i }]));
    expect(roundTrip(wide)).toEqual(wide);
    expect([...binaryCodec.encode(payload)]).toEqual(expected);
  });

  it('returns bytes of their own, exactly as long as the payload', () => {
    const first = binaryCodec.encode('first');
    const second = binaryCodec.encode('second');
    expect(first.buffer.byteLength).toBe(first.length);
    expect(roundTrip('first')).toBe('first');
    expect(binaryCodec.decode(first)).toBe('first');
    expect(binaryCodec.decode(second)).toBe('second');
  });

  it('encodes correctly when a getter encodes another value mid-encode', () => {
    const inner = { deep: [1, 2, 3] };
    const outer = {
      before: 'b',
      get during() {
        return binaryCodec.decode(binaryCodec.encode(inner));
      },
      after: shared,
    };
    expect(roundTrip(outer)).toEqual({ before: 'b', during: inner, after: shared });
  });
});

describe('rcb1 decoding hostile or broken bytes', () => {
  it('refuses unknown tags, trailing bytes, and references to nothing', () => {
    for (const bytes of [[0xee], [Tag.Null, Tag.Null], [Tag.Ref, 0], [Tag.Hole], []]) {
      expect(decodeError(new Uint8Array(bytes)).code).toBe('ROUTECACHE_CODEC_DECODE_FAILED');
    }
  });

  it('refuses declared lengths larger than the input before allocating', () => {
    // An array of 2^32 - 1 items, a string of 2^35 bytes, a typed array of 1 GB, in a few bytes.
    const hostile = [
      [Tag.Array, 0xff, 0xff, 0xff, 0xff, 0x0f],
      [Tag.String, 0xff, 0xff, 0xff, 0xff, 0x7f],
      [Tag.TypedArray, 1, 0x80, 0x80, 0x80, 0x80, 0x04],
      [Tag.Map, 0xff, 0xff, 0x03],
    ];
    for (const bytes of hostile) {
      expect(decodeError(new Uint8Array(bytes)).code).toBe('ROUTECACHE_CODEC_DECODE_FAILED');
    }
  });

  it('fails cleanly on absurd nesting, both ways', () => {
    let deep: unknown = 1;
    for (let depth = 0; depth < 200_000; depth += 1) deep = [deep];
    const error = (() => {
      try {
        binaryCodec.encode(deep);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).code).toBe('ROUTECACHE_CODEC_UNSUPPORTED_VALUE');
    const nested = new Uint8Array(400_001).fill(Tag.Array);
    for (let index = 1; index < nested.length; index += 2) nested[index] = 1;
    expect(decodeError(nested).code).toBe('ROUTECACHE_CODEC_DECODE_FAILED');
  });

  it('only ever returns a value or throws DECODE_FAILED on random bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          binaryCodec.decode(bytes);
        } catch (error) {
          expect((error as CodecError).code).toBe('ROUTECACHE_CODEC_DECODE_FAILED');
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('only ever returns a value or throws DECODE_FAILED on corrupted valid bytes (fuzz)', () => {
    const valid = binaryCodec.encode({
      list: [1, -0, 'two', undefined, 3n, null, true],
      at: new Date(0),
      re: /x/g,
      map: new Map<unknown, unknown>([[{ k: 1 }, new Set([new Float64Array([1.5])])]]),
      buffer: new Uint8Array([1, 2, 3]).buffer,
    });
    const change = fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 3 }),
        fc.nat(valid.length),
        (changes, cut) => {
          const bytes = valid.slice(0, cut);
          for (const [offset, byte] of changes) if (offset < bytes.length) bytes[offset] = byte;
          try {
            binaryCodec.decode(bytes);
          } catch (error) {
            expect((error as CodecError).code).toBe('ROUTECACHE_CODEC_DECODE_FAILED');
          }
        },
      ),
      { numRuns: 5000 },
    );
  });
});
