import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Base64Url } from '../hash.js';
import { adversarialText } from './__fixtures__/arbitraries.js';
import { deriveVariant } from './variant.js';

describe('deriveVariant', () => {
  it("is '' when nothing varies", () => {
    expect(deriveVariant([], undefined)).toBe('');
  });

  it('is 43 base64url characters otherwise', () => {
    expect(deriveVariant([['accept-language', 'fr']], undefined)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(deriveVariant([], 'user-7')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(deriveVariant([], '')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('never holds the principal or a header value in clear', () => {
    const principal = 'Bearer-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';
    const variant = deriveVariant([['authorization', principal]], principal);
    expect(variant).not.toContain('Bearer');
    expect(variant).toHaveLength(43);
  });

  it.each<[string, Parameters<typeof deriveVariant>, Parameters<typeof deriveVariant>]>([
    [
      'missing header vs empty header',
      [[['accept', undefined]], undefined],
      [[['accept', '']], undefined],
    ],
    ['missing header vs nothing', [[['accept', undefined]], undefined], [[], undefined]],
    ['empty principal vs none', [[], ''], [[], undefined]],
    ['header value vs principal', [[['x', 'u']], undefined], [[['x', undefined]], 'u']],
    [
      'value split across headers',
      [[['a', 'b,c']], undefined],
      [
        [
          ['a', 'b'],
          ['c', undefined],
        ],
        undefined,
      ],
    ],
    [
      'forged separator in a value',
      [[['a', 'x"=|"b']], undefined],
      [
        [
          ['a', 'x'],
          ['b', undefined],
        ],
        undefined,
      ],
    ],
    ['different principals', [[], 'alice'], [[], 'bob']],
  ])('%s differ', (_name, a, b) => {
    expect(deriveVariant(...a)).not.toBe(deriveVariant(...b));
  });

  it('treats header names case-insensitively', () => {
    expect(deriveVariant([['Accept-Language', 'fr']], undefined)).toBe(
      deriveVariant([['accept-language', 'fr']], undefined),
    );
  });

  it('distinct (vary, principal) combinations never share a variant', () => {
    const header = fc.tuple(
      fc.constantFrom('a', 'B', 'b', 'accept'),
      fc.option(adversarialText, { nil: undefined }),
    );
    const combo = fc.tuple(
      fc.array(header, { maxLength: 3 }),
      fc.option(adversarialText, { nil: undefined }),
    );
    // Identity: names compare case-insensitively, everything else exactly.
    const identity = ([vary, principal]: [
      (readonly [string, string | undefined])[],
      string | undefined,
    ]) =>
      JSON.stringify([
        vary.map(([n, v]) => [n.toLowerCase(), v ?? null]),
        principal ?? null,
        principal === undefined,
      ]);
    fc.assert(
      fc.property(combo, combo, (a, b) => {
        expect(deriveVariant(...a) === deriveVariant(...b)).toBe(identity(a) === identity(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('is the digest of the documented text, short or long', () => {
    const expected = (value: string) =>
      sha256Base64Url(`v1|${JSON.stringify('accept-language')}=${JSON.stringify(value)}|p="u"`);
    expect(deriveVariant([['accept-language', 'fr']], 'u')).toBe(expected('fr'));
    const long = 'x'.repeat(1_000);
    expect(deriveVariant([['accept-language', long]], 'u')).toBe(expected(long));
  });
});
