import { describe, expect, it } from 'vitest';
import { codecMap, defaultCodec, encodeEnvelope } from '../../codec/index.js';
import { testEntry } from '../../testing/entries.js';
import { DecodeMemo } from './decode-memo.js';

const codecs = codecMap(defaultCodec);
const envelope = (value: unknown) => Buffer.from(encodeEnvelope(testEntry(value)));

describe('DecodeMemo', () => {
  it('reuses the decode of identical bytes and decodes changed bytes', () => {
    const memo = new DecodeMemo(codecs, 1 << 20);
    const bytes = envelope({ a: 1 });
    const first = memo.decode('k', bytes);
    const again = memo.decode('k', Buffer.from(bytes));
    expect(first?.value).toEqual({ a: 1 });
    // Equal bytes: the same decoded value object, no second decode.
    expect(again?.value).toBe(first?.value);

    const changed = memo.decode('k', envelope({ a: 2 }));
    expect(changed?.value).toEqual({ a: 2 });
  });

  it('bounds what its memos keep alive, not their envelope bytes; least recently used out first', () => {
    const text = 'x'.repeat(1_000);
    const one = envelope({ text });
    const budget = 64 * 1024;
    const memo = new DecodeMemo(codecs, budget);
    const values = Array.from({ length: 100 }, (_, i) => {
      const value = memo.decode(`k${i}`, one)?.value;
      memo.decode('k0', one); // a hit keeps k0 recent
      return value;
    });
    expect(memo.decode('k0', one)?.value).toBe(values[0]);
    // From the newest down, memoized keys answer the same object; the first miss ends the run.
    let kept = 0;
    for (let i = 99; i > 0 && memo.decode(`k${i}`, one)?.value === values[i]; i--) kept++;
    expect(kept).toBeGreaterThan(0);
    // Each memo keeps the envelope copy, the decoded entry's bytes and the decoded string: three
    // copies of the text. Counting the envelope alone would have kept budget / 1 000 ≈ 65.
    expect((kept + 1) * 3 * text.length).toBeLessThanOrEqual(budget);
  });

  it('does not memoize an entry above a quarter of its budget', () => {
    const big = envelope({ text: 'x'.repeat(20_000) });
    const memo = new DecodeMemo(codecs, 64 * 1024);
    const first = memo.decode('big', big)?.value;
    expect(first).toEqual({ text: 'x'.repeat(20_000) });
    expect(memo.decode('big', big)?.value).not.toBe(first);
  });

  it('reads unreadable bytes as a miss', () => {
    const memo = new DecodeMemo(codecs, 1 << 20);
    expect(memo.decode('k', Buffer.from('not an envelope'))).toBeUndefined();
  });
});
