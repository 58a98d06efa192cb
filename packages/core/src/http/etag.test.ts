import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  combineEtags,
  isValidEtag,
  opaqueTag,
  scanEntityTag,
  strongEtag,
  validEtag,
} from './etag.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('strongEtag', () => {
  it('is the quoted base64url SHA-256 of the bytes', () => {
    // sha256("hello"), base64url without padding (independently computed fixture).
    expect(strongEtag(bytes('hello'))).toBe('"LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ"');
    // sha256 of the empty input.
    expect(strongEtag(new Uint8Array())).toBe('"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"');
  });

  it('is a valid strong entity-tag carrying 256 bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
        const etag = strongEtag(body);
        expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
        expect(isValidEtag(etag)).toBe(true);
        expect(strongEtag(Uint8Array.from(body))).toBe(etag); // deterministic
      }),
      { numRuns: 50 },
    );
  });

  it('changes when one byte changes', () => {
    expect(strongEtag(bytes('{"id":1}'))).not.toBe(strongEtag(bytes('{"id":2}')));
  });
});

describe('isValidEtag', () => {
  it.each([
    '"abc"',
    'W/"abc"',
    '""',
    'W/""',
    '"a,b"', // commas are etagc
    '"W/"',
    '"!#$%&\'()*+-./:;<=>?@[\\]^_`{|}~"',
    '"caf\u00e9"', // obs-text
  ])('accepts %j', (value) => {
    expect(isValidEtag(value)).toBe(true);
  });

  it.each([
    '',
    'abc',
    '"abc',
    'abc"',
    'W/',
    'W/abc',
    'w/"abc"', // the weak prefix is case-sensitive
    ' "abc"',
    '"abc" ',
    '"a b"', // SP is not etagc
    '"a\tb"',
    '"a"b"',
    '"abc""',
    '"a\u007fb"', // DEL
    '"a\u0100b"', // not a header byte
    '*',
    '"a", "b"',
  ])('rejects %j', (value) => {
    expect(isValidEtag(value)).toBe(false);
  });
});

describe('scanEntityTag / opaqueTag', () => {
  it('returns the index past the closing quote, or -1', () => {
    expect(scanEntityTag('W/"a", "b"', 0)).toBe(5);
    expect(scanEntityTag('W/"a", "b"', 7)).toBe(10);
    expect(scanEntityTag('"abc', 0)).toBe(-1);
    expect(scanEntityTag('', 0)).toBe(-1);
  });

  it('strips only the weak prefix', () => {
    expect(opaqueTag('W/"x"')).toBe('"x"');
    expect(opaqueTag('"x"')).toBe('"x"');
    expect(opaqueTag('"W/x"')).toBe('"W/x"');
  });
});

describe('validEtag', () => {
  it('is the tag when valid, every time, and undefined otherwise', () => {
    const tag = strongEtag(bytes('a'));
    expect(validEtag(tag)).toBe(tag);
    // The kept last valid tag answers the next call; an invalid one after it is still refused.
    expect(validEtag(tag)).toBe(tag);
    expect(validEtag('"unterminated')).toBeUndefined();
    expect(validEtag('w/"a"')).toBeUndefined();
    expect(validEtag(undefined)).toBeUndefined();
    expect(validEtag(tag)).toBe(tag);
  });
});

describe('combineEtags', () => {
  const A = strongEtag(bytes('a'));
  const B = strongEtag(bytes('b'));

  it('returns a single tag unchanged', () => {
    expect(combineEtags([A])).toBe(A);
    expect(combineEtags(['W/"x"'])).toBe('W/"x"');
  });

  it('is undefined for an empty list or when any tag is missing or invalid', () => {
    expect(combineEtags([])).toBeUndefined();
    expect(combineEtags([undefined])).toBeUndefined();
    expect(combineEtags([A, undefined])).toBeUndefined();
    expect(combineEtags([undefined, A, B])).toBeUndefined();
    expect(combineEtags(['abc'])).toBeUndefined();
    expect(combineEtags([A, '"unterminated'])).toBeUndefined();
  });

  it('derives a new valid strong tag from all tags, in order', () => {
    const ab = combineEtags([A, B]);
    expect(ab).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(combineEtags([A, B])).toBe(ab);
    expect(ab).not.toBe(A);
    expect(ab).not.toBe(B);
    expect(combineEtags([B, A])).not.toBe(ab);
    expect(combineEtags([A, B, A])).not.toBe(ab);
    expect(combineEtags([A, A])).not.toBe(A);
  });

  it('is weak when any input is weak', () => {
    expect(combineEtags([A, `W/${B}`])).toMatch(/^W\/"[A-Za-z0-9_-]{43}"$/);
    expect(combineEtags([`W/${A}`, `W/${B}`])).toMatch(/^W\//);
    // Weak and strong spellings of the same opaque tags give different combined opaque tags.
    expect(opaqueTag(combineEtags([A, `W/${B}`]) ?? '')).not.toBe(combineEtags([A, B]));
  });

  it('gives distinct lists distinct tags (no ambiguous concatenation)', () => {
    expect(combineEtags(['"a"', '"bc"'])).not.toBe(combineEtags(['"ab"', '"c"']));
    const tag = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ','), maxLength: 3 });
    const list = fc.array(
      tag.map((t) => `"${t}"`),
      { minLength: 2, maxLength: 4 },
    );
    fc.assert(
      fc.property(list, list, (x, y) => {
        fc.pre(x.join('|') !== y.join('|'));
        expect(combineEtags(x)).not.toBe(combineEtags(y));
      }),
    );
  });
});
