import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  etagMatches,
  MAX_IF_NONE_MATCH_ENTRIES,
  MAX_IF_NONE_MATCH_LENGTH,
  OMITTED_304_HEADERS,
} from './conditional.js';

const E = '"abc"';

describe('etagMatches', () => {
  it.each([
    // [If-None-Match, current etag, expected]
    ['"abc"', '"abc"', true],
    ['"abc"', '"abd"', false],
    ['"abc"', 'W/"abc"', true], // weak comparison: stored weak, request strong
    ['W/"abc"', '"abc"', true], // weak comparison: request weak, stored strong
    ['W/"abc"', 'W/"abc"', true],
    ['W/"abc"', 'W/"xyz"', false],
    ['""', '""', true], // empty opaque tag is legal
    ['""', '"abc"', false],
  ] as const)('single tag %s vs %s → %s', (header, etag, expected) => {
    expect(etagMatches(header, etag)).toBe(expected);
  });

  it.each([
    ['"x", "abc"', true],
    ['"abc", "x"', true],
    ['"x","y"', false],
    ['"x",W/"abc"', true],
    ['"a,b", "c"', false], // "a,b" is one tag, not "a" and "b"
    ['"a,b", "abc"', true],
    ['"abc,", "c"', false],
    ['"x", , "abc"', true], // empty list elements are ignored (RFC 9110 §5.6.1.2)
    [',"abc",', true],
    [', , ,', false], // only empty elements: nothing to match
  ] as const)('list %s → %s', (header, expected) => {
    expect(etagMatches(header, E)).toBe(expected);
  });

  it('treats a quoted comma as part of the tag', () => {
    expect(etagMatches('"a,b", "c"', '"a,b"')).toBe(true);
    expect(etagMatches('"a,b", "c"', '"c"')).toBe(true);
    expect(etagMatches('"a,b", "c"', '"a"')).toBe(false);
    expect(etagMatches('"a,b", "c"', '"b"')).toBe(false);
  });

  it.each([
    ['"abc"', true],
    [' "abc"', true],
    ['"abc" ', true],
    ['\t"abc"\t', true],
    ['"x" ,\t"abc"', true],
    ['"x"  ,  W/"abc"  ', true],
    [' * ', true],
  ] as const)('allows optional whitespace: %j → %s', (header, expected) => {
    expect(etagMatches(header, E)).toBe(expected);
  });

  it('does not trim whitespace inside the quotes', () => {
    expect(etagMatches('" abc"', E)).toBe(false);
    expect(etagMatches('W/ "abc"', E)).toBe(false); // no whitespace allowed after W/
  });

  it('`*` matches any current representation, and only when there is one', () => {
    expect(etagMatches('*', E)).toBe(true);
    expect(etagMatches('*', 'W/"weak"')).toBe(true);
    expect(etagMatches('*', undefined)).toBe(false);
  });

  it.each([
    '"abc', // unterminated
    'abc"',
    'abc', // unquoted
    'W/', // weak prefix without a tag
    'W/abc',
    'x',
    'w/"abc"', // the weak prefix is case-sensitive (%s"W/")
    '"abc" "abc"', // missing comma
    '"abc"x',
    '"abc", *', // `*` only stands alone
    '*, "abc"',
    '**',
    '"abc", "x', // one bad member poisons the list
    '"abc", x',
    '"abc", W/',
    '"ab"c"',
    '"ab\\"c"', // etags have no escapes
    '"ab\u0000c"', // control char
    '"ab\u0100c"', // beyond obs-text: not a header byte
  ])('a malformed list never matches: %j', (header) => {
    expect(etagMatches(header, E)).toBe(false);
    expect(etagMatches(header, '"ab"')).toBe(false);
  });

  it('accepts obs-text bytes inside a tag', () => {
    expect(etagMatches('"caf\u00e9"', '"caf\u00e9"')).toBe(true);
  });

  it('never matches without a header or with an invalid current etag', () => {
    expect(etagMatches(null, E)).toBe(false);
    expect(etagMatches(undefined, E)).toBe(false);
    expect(etagMatches('', E)).toBe(false);
    expect(etagMatches('   ', E)).toBe(false);
    expect(etagMatches('"abc"', undefined)).toBe(false);
    expect(etagMatches('abc', 'abc')).toBe(false); // an unquoted "etag" is not one
    expect(etagMatches('*', 'abc')).toBe(false);
    expect(etagMatches('"abc"', ' "abc"')).toBe(false);
  });

  it('evaluates lists up to the entry limit and refuses longer ones', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `"t${i}"`);
    const atLimit = [...tags(MAX_IF_NONE_MATCH_ENTRIES - 1), E].join(', ');
    expect(etagMatches(atLimit, E)).toBe(true);
    const overLimit = [...tags(MAX_IF_NONE_MATCH_ENTRIES), E].join(', ');
    expect(overLimit.length).toBeLessThan(MAX_IF_NONE_MATCH_LENGTH);
    expect(etagMatches(overLimit, E)).toBe(false);
  });

  it('evaluates values up to the length limit and refuses longer ones', () => {
    const padded = (length: number) => `${' ,'.repeat(length)}`.slice(0, length - E.length) + E;
    expect(etagMatches(padded(MAX_IF_NONE_MATCH_LENGTH), E)).toBe(true);
    expect(etagMatches(padded(MAX_IF_NONE_MATCH_LENGTH + 1), E)).toBe(false);
  });

  it.each([
    ['unterminated quote', `"${'a'.repeat(100_000)}`],
    ['weak prefixes', 'W/'.repeat(50_000)],
    ['quotes and commas', '",'.repeat(50_000)],
    ['many tags ending in a match', `${'"a",'.repeat(25_000)}"abc"`],
    ['whitespace then a match', `${' '.repeat(100_000)}"abc"`],
  ])('returns false on a pathological 100 KB header (%s)', (_, header) => {
    expect(header.length).toBeGreaterThanOrEqual(100_000);
    expect(etagMatches(header, E)).toBe(false);
  });

  it('scans pathological headers just under the length limit linearly and correctly', () => {
    const limit = MAX_IF_NONE_MATCH_LENGTH;
    expect(etagMatches(`"${'a'.repeat(limit - 1)}`, E)).toBe(false); // unterminated
    expect(etagMatches(`"${'a'.repeat(limit - 2)}"`, `"${'a'.repeat(limit - 2)}"`)).toBe(true);
    expect(etagMatches('W/'.repeat(limit / 2), E)).toBe(false);
    expect(etagMatches(','.repeat(limit - E.length) + E, E)).toBe(true);
  });
});

// Arbitraries for valid entity-tags: printable ASCII except `"`, optionally weak.
const etagChar = fc.constantFrom(
  ...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter(
    (c) => c !== '"',
  ),
);
const opaque = fc.string({ unit: etagChar, maxLength: 12 }).map((s) => `"${s}"`);
const validEtag = fc.tuple(fc.boolean(), opaque).map(([weak, tag]) => (weak ? `W/${tag}` : tag));
const separator = fc.constantFrom(',', ', ', ' ,', '\t,\t', ' , , ');

describe('etagMatches (properties)', () => {
  it('matches any well-formed list that contains the etag', () => {
    fc.assert(
      fc.property(
        fc.array(validEtag, { maxLength: 20 }),
        validEtag,
        fc.nat(),
        separator,
        fc.boolean(),
        (others, etag, position, sep, weakenInHeader) => {
          const member = weakenInHeader && !etag.startsWith('W/') ? `W/${etag}` : etag;
          const list = [...others];
          list.splice(position % (list.length + 1), 0, member);
          expect(etagMatches(list.join(sep), etag)).toBe(true);
        },
      ),
    );
  });

  it('agrees with a weak comparison over the parsed list', () => {
    const strip = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
    fc.assert(
      fc.property(fc.array(validEtag, { minLength: 1, maxLength: 20 }), validEtag, (list, etag) => {
        const expected = list.some((tag) => strip(tag) === strip(etag));
        expect(etagMatches(list.join(', '), etag)).toBe(expected);
      }),
    );
  });

  it('never throws on arbitrary input and only matches a header that holds the tag', () => {
    const headerChar = fc.constantFrom('"', ',', ' ', '\t', 'W', '/', 'w', '*', 'a', 'b', '\\');
    const header = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: headerChar, maxLength: 40 }),
    );
    fc.assert(
      fc.property(header, fc.oneof(validEtag, fc.string()), (value, etag) => {
        const result = etagMatches(value, etag);
        expect(typeof result).toBe('boolean');
        if (result) {
          const tag = etag.startsWith('W/') ? etag.slice(2) : etag;
          expect(value.trim() === '*' || value.includes(tag)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('OMITTED_304_HEADERS', () => {
  it('lists only the body-describing headers (RFC 9110 §15.4.5), lower-case', () => {
    expect([...OMITTED_304_HEADERS].sort()).toEqual([
      'content-encoding',
      'content-language',
      'content-length',
      'content-range',
      'content-type',
      'transfer-encoding',
    ]);
    // What a 304 must repeat, and what the request itself set, is never omitted.
    for (const kept of ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary']) {
      expect(OMITTED_304_HEADERS).not.toContain(kept);
    }
    expect(OMITTED_304_HEADERS).not.toContain('set-cookie');
  });

  it('cannot be mutated at runtime', () => {
    expect(Object.isFrozen(OMITTED_304_HEADERS)).toBe(true);
  });
});
