import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { mergeVary, normalizeVaryOption, parseVaryHeader } from './vary.js';

describe('parseVaryHeader', () => {
  it.each([
    [null, []],
    [undefined, []],
    ['', []],
    [' , ,', []],
    ['Accept', ['accept']],
    ['Accept-Encoding, Origin', ['accept-encoding', 'origin']],
    ['accept,ACCEPT , Accept', ['accept']],
    ['\tOrigin\t,  Accept ', ['origin', 'accept']],
    ['*', ['*']],
    ['Accept, *', ['accept', '*']],
    ['b, a, b, c', ['b', 'a', 'c']], // first-seen order
  ] as const)('%j → %j', (value, expected) => {
    expect(parseVaryHeader(value)).toEqual(expected);
  });

  it('keeps members that are not valid field names instead of dropping them', () => {
    expect(parseVaryHeader('Accept, x y')).toEqual(['accept', 'x y']);
  });
});

describe('mergeVary', () => {
  it('merges what tRPC sets with a route list, lower-cased and de-duplicated in first-seen order', () => {
    expect(mergeVary('trpc-accept, Accept', ['Accept-Language', 'accept'])).toBe(
      'trpc-accept, accept, accept-language',
    );
  });

  it('returns undefined when there is nothing to vary on', () => {
    expect(mergeVary()).toBeUndefined();
    expect(mergeVary(null, undefined, '', [], [' , '])).toBeUndefined();
  });

  it('collapses to * when any value holds *', () => {
    expect(mergeVary('Accept', '*')).toBe('*');
    expect(mergeVary(['accept', '*'], 'origin')).toBe('*');
    expect(mergeVary('accept, *')).toBe('*');
  });

  it('splits comma lists found inside list elements', () => {
    expect(mergeVary(['Accept, Origin', 'origin'])).toBe('accept, origin');
  });

  it('is idempotent: merging a merged value with itself changes nothing', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 8 }), fc.array(name, { maxLength: 8 }), (a, b) => {
        const merged = mergeVary(a, b);
        expect(mergeVary(merged, merged, a)).toBe(merged);
        const expected = [...new Set([...a, ...b].map((n) => n.toLowerCase()))];
        expect(merged).toBe(expected.length === 0 ? undefined : expected.join(', '));
      }),
    );
  });
});

describe('normalizeVaryOption', () => {
  it('lower-cases and de-duplicates, keeping first-seen order', () => {
    expect(normalizeVaryOption(['Accept-Language', 'X-Tenant', 'accept-language'], 'vary')).toEqual(
      ['accept-language', 'x-tenant'],
    );
  });

  it('returns a frozen array', () => {
    expect(Object.isFrozen(normalizeVaryOption(['accept'], 'vary'))).toBe(true);
  });

  it('accepts an empty list', () => {
    expect(normalizeVaryOption([], 'vary')).toEqual([]);
  });

  it('rejects * with an error naming the option and telling what to do', () => {
    const error = catchError(() => normalizeVaryOption(['accept', '*'], 'users.get.vary'));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({
      code: 'ROUTECACHE_INVALID_OPTION',
      option: 'users.get.vary',
      context: { option: 'users.get.vary', index: 1, name: '*' },
    });
    expect(error.message).toContain('"users.get.vary"');
    expect(error.message).toContain('users.get.vary[1]');
    expect(error.message).toContain(
      "Vary: * makes a response uncacheable; remove the route's cache instead",
    );
  });

  it.each(['', ' accept', 'accept ', 'accept-language, origin', 'x y', 'caf\u00e9', 'x:y', 'a"b'])(
    'rejects the invalid header name %j naming the option',
    (name) => {
      const error = catchError(() => normalizeVaryOption(['accept', name], 'vary'));
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ option: 'vary', context: { index: 1, name } });
      expect(error.message).toContain('not a valid header name');
    },
  );

  it('rejects values that are not strings or not an array (untyped config)', () => {
    const untyped = (value: unknown) => value as readonly string[];
    expect(catchError(() => normalizeVaryOption(untyped([42]), 'vary')).message).toContain(
      'vary[0] is not a valid header name (RFC 9110 token), got 42 (number)',
    );
    expect(catchError(() => normalizeVaryOption(untyped('accept'), 'vary'))).toMatchObject({
      option: 'vary',
      message: expect.stringContaining('must be an array'),
    });
  });
});

function catchError(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}
