import { describe, expect, it } from 'vitest';
import { deriveVariant } from '../keying/index.js';
import { VariantMemo } from './variant-memo.js';

const headers = (record: Record<string, string>) => new Headers(record);

describe('VariantMemo', () => {
  it('answers what deriveVariant answers, on a memo miss and on a hit', () => {
    const memo = new VariantMemo(['accept-language', 'x-tenant']);
    const request = headers({ 'accept-language': 'fr', 'x-tenant': 't1' });
    const expected = deriveVariant(
      [
        ['accept-language', 'fr'],
        ['x-tenant', 't1'],
      ],
      'user-7',
    );
    expect(memo.variant(request, 'user-7')).toBe(expected);
    expect(memo.variant(request, 'user-7')).toBe(expected);
  });

  it('is empty when nothing varies', () => {
    expect(new VariantMemo([]).variant(undefined, undefined)).toBe('');
  });

  it('keeps every principal apart, also after they were memoised', () => {
    const memo = new VariantMemo([]);
    const a = memo.variant(undefined, 'a');
    const b = memo.variant(undefined, 'b');
    expect(a).not.toBe(b);
    expect(memo.variant(undefined, 'a')).toBe(a);
    expect(memo.variant(undefined, 'b')).toBe(b);
    expect(memo.variant(undefined, 'a')).toBe(deriveVariant([], 'a'));
  });

  it('keeps an absent header apart from an empty one, and facts apart from their neighbours', () => {
    const memo = new VariantMemo(['x-a', 'x-b']);
    const seen = new Set([
      memo.variant(headers({}), undefined),
      memo.variant(headers({ 'x-a': '' }), undefined),
      memo.variant(headers({ 'x-a': 'p' }), undefined),
      memo.variant(headers({ 'x-b': 'p' }), undefined),
      memo.variant(headers({ 'x-a': 'p' }), 'q'),
      memo.variant(headers({ 'x-a': 'p', 'x-b': 'q' }), undefined),
    ]);
    expect(seen.size).toBe(6);
    expect(memo.variant(headers({ 'x-b': 'p' }), undefined)).toBe(
      deriveVariant(
        [
          ['x-a', undefined],
          ['x-b', 'p'],
        ],
        undefined,
      ),
    );
  });

  it('stays right past its bounds: many principals, and facts too long to keep', () => {
    const memo = new VariantMemo(['x-a']);
    const long = 'v'.repeat(300);
    for (let i = 0; i < 1500; i++) {
      const principal = `user-${i}`;
      expect(memo.variant(headers({ 'x-a': long }), principal)).toBe(
        deriveVariant([['x-a', long]], principal),
      );
      expect(memo.variant(headers({ 'x-a': 'short' }), principal)).toBe(
        deriveVariant([['x-a', 'short']], principal),
      );
    }
  });
});
