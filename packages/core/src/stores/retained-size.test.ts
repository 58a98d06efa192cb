import { describe, expect, it } from 'vitest';
import { defaultCodec } from '../codec/index.js';
import { flatString } from '../flat-string.js';
import { testEntry } from '../testing/entries.js';
import { entryBytes, stringBytes, tagListBytes, valueBytes } from './retained-size.js';

// The rules themselves were measured with --expose-gc (see retained-size.ts); these tests pin
// what the estimate counts, and test/regression/memory-bounds.test.ts checks it against the heap.
describe('retained-size', () => {
  it('counts one byte per char for one-byte strings and two for wide ones', () => {
    expect(stringBytes('abc')).toBe(stringBytes('') + 3);
    expect(stringBytes('ééé')).toBe(stringBytes('') + 3); // Latin-1 stays one byte
    expect(stringBytes('€€€')).toBe(stringBytes('') + 6);
  });

  it('flatString returns the same string', () => {
    let built = '';
    for (let i = 0; i < 20; i++) built += `${i},`;
    expect(flatString(built)).toBe(built);
  });

  it('counts shared constants as free and heap numbers only outside small ints', () => {
    for (const constant of [true, false, null, undefined, 0, 42, -7]) {
      expect(valueBytes(constant)).toBe(0);
    }
    expect(valueBytes(0.5)).toBeGreaterThan(0);
    expect(valueBytes(2 ** 40)).toBeGreaterThan(0);
  });

  it('grows with every part of a value', () => {
    const row = { id: 1, name: 'Ada' };
    const base = valueBytes(row);
    expect(base).toBeGreaterThanOrEqual(stringBytes('Ada'));
    expect(valueBytes({ ...row, bio: 'x'.repeat(1_000) })).toBeGreaterThan(base + 1_000);
    expect(valueBytes([row, { ...row }])).toBeGreaterThan(2 * base);
    expect(valueBytes(new Map([[1, row]]))).toBeGreaterThan(base);
    expect(valueBytes(new Set([row]))).toBeGreaterThan(base);
    expect(valueBytes({ at: new Date(0) })).toBeGreaterThan(valueBytes({ at: 0 }));
    expect(valueBytes(new Uint8Array(4_096))).toBeGreaterThan(4_096);
    expect(valueBytes({ pattern: /a+b/g })).toBeGreaterThan(valueBytes({ pattern: 0 }));
    expect(valueBytes(2n ** 200n)).toBeGreaterThan(valueBytes(1n));
  });

  it('counts a shared object once and ends on cycles', () => {
    const shared = { text: 'x'.repeat(1_000) };
    const once = valueBytes([shared]);
    expect(valueBytes([shared, shared])).toBeLessThan(once + 100);
    const cyclic: { self?: unknown; text: string } = { text: 'y' };
    cyclic.self = cyclic;
    expect(valueBytes(cyclic)).toBe(valueBytes({ self: null, text: 'y' }));
  });

  it('counts dictionary-mode objects at their per-property cost', () => {
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    expect(valueBytes(wide)).toBeGreaterThan(100 * 64);
  });

  it('stops counting past the limit', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => ({ i, text: `item ${i}` }));
    const full = valueBytes(big);
    const capped = valueBytes(big, 10_000);
    expect(capped).toBeGreaterThan(10_000);
    expect(capped).toBeLessThan(full / 10);
  });

  it('counts the encoded bytes an entry carries on top of its live value', () => {
    const value = { text: 'z'.repeat(5_000) };
    const withBytes = testEntry(value);
    const live = { ...withBytes, bytes: undefined };
    const encoded = defaultCodec.encode(value).byteLength;
    expect(entryBytes(withBytes)).toBeGreaterThanOrEqual(entryBytes(live) + encoded);
    expect(entryBytes(live)).toBeGreaterThan(valueBytes(value));
    expect(entryBytes(testEntry(1, { tags: ['users', 'teams'] }))).toBeGreaterThanOrEqual(
      entryBytes(testEntry(1)) + tagListBytes(['users', 'teams']) - tagListBytes([]),
    );
  });
});
