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

  it('stays within its byte budget, dropping the oldest memos first', () => {
    const one = envelope({ text: 'x'.repeat(100) });
    const memo = new DecodeMemo(codecs, one.length * 4);
    const values = Array.from({ length: 6 }, (_, i) => memo.decode(`k${i}`, one)?.value);
    // The newest four are memoized (same object back); the two oldest were dropped.
    expect(memo.decode('k5', one)?.value).toBe(values[5]);
    expect(memo.decode('k2', one)?.value).toBe(values[2]);
    expect(memo.decode('k0', one)?.value).not.toBe(values[0]);
  });

  it('reads unreadable bytes as a miss', () => {
    const memo = new DecodeMemo(codecs, 1 << 20);
    expect(memo.decode('k', Buffer.from('not an envelope'))).toBeUndefined();
  });
});
