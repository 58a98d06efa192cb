import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CacheControlDirectives,
  MAX_DELTA_SECONDS,
  parseCacheControl,
} from './cache-control.js';

const NONE: CacheControlDirectives = {
  noStore: false,
  noCache: false,
  private: false,
  public: false,
  maxAge: undefined,
  sMaxAge: undefined,
  staleWhileRevalidate: undefined,
  staleIfError: undefined,
  mustRevalidate: false,
};

describe('parseCacheControl', () => {
  it.each([null, undefined, '', ' , ', 'foo, bar=baz'])('%j has no directives', (value) => {
    expect(parseCacheControl(value)).toEqual(NONE);
  });

  it.each([
    ['no-store', { noStore: true }],
    ['no-cache', { noCache: true }],
    ['private', { private: true }],
    ['public', { public: true }],
    ['must-revalidate', { mustRevalidate: true }],
    ['max-age=60', { maxAge: 60 }],
    ['s-maxage=300', { sMaxAge: 300 }],
    ['stale-while-revalidate=30', { staleWhileRevalidate: 30 }],
    ['stale-if-error=86400', { staleIfError: 86400 }],
    ['max-age=0', { maxAge: 0 }],
  ] as const)('reads %s', (value, expected) => {
    expect(parseCacheControl(value)).toEqual({ ...NONE, ...expected });
  });

  it('reads a full list with mixed case and whitespace', () => {
    expect(
      parseCacheControl(
        'Public,MAX-AGE=60 ,\tS-MaxAge=600, Stale-While-Revalidate=30, stale-if-error=5, Must-Revalidate',
      ),
    ).toEqual({
      ...NONE,
      public: true,
      maxAge: 60,
      sMaxAge: 600,
      staleWhileRevalidate: 30,
      staleIfError: 5,
      mustRevalidate: true,
    });
  });

  it('accepts quoted arguments', () => {
    expect(parseCacheControl('max-age="60", s-maxage="0"')).toMatchObject({
      maxAge: 60,
      sMaxAge: 0,
    });
  });

  it('does not split on commas inside quoted strings', () => {
    expect(parseCacheControl('private="set-cookie, x-foo", max-age=5')).toEqual({
      ...NONE,
      private: true,
      maxAge: 5,
    });
    expect(parseCacheControl('no-cache="a,\\"b,c", no-store')).toEqual({
      ...NONE,
      noCache: true,
      noStore: true,
    });
  });

  it('treats the qualified forms of private and no-cache as the unqualified directive', () => {
    expect(parseCacheControl('no-cache="set-cookie"').noCache).toBe(true);
    expect(parseCacheControl('private="authorization"').private).toBe(true);
  });

  it.each([
    'max-age=-1',
    'max-age=1.5',
    'max-age=abc',
    'max-age=',
    'max-age',
    'max-age=" 5"',
    'max-age="5',
    'max-age="5"x',
    'max-age=5s',
    'max-age=0x10',
    'max-age=١٢', // non-ASCII digits
  ])('ignores the invalid number in %j', (value) => {
    expect(parseCacheControl(value).maxAge).toBeUndefined();
  });

  it('caps huge lifetimes at 2^31 (RFC 9111 §1.2.2)', () => {
    expect(parseCacheControl(`max-age=${'9'.repeat(400)}`).maxAge).toBe(MAX_DELTA_SECONDS);
    expect(parseCacheControl('max-age=2147483649').maxAge).toBe(2 ** 31);
  });

  it('takes the smallest valid value of a repeated lifetime', () => {
    expect(parseCacheControl('max-age=60, max-age=30').maxAge).toBe(30);
    expect(parseCacheControl('max-age=30, max-age=60').maxAge).toBe(30);
    expect(parseCacheControl('max-age=abc, max-age=60').maxAge).toBe(60);
    expect(parseCacheControl('s-maxage=10, S-MAXAGE=5, s-maxage=7').sMaxAge).toBe(5);
    expect(parseCacheControl('stale-if-error=9, stale-if-error=3').staleIfError).toBe(3);
  });

  it('keeps flags set by any occurrence, including past a malformed member', () => {
    expect(parseCacheControl('private, max-age=5 junk, no-store')).toMatchObject({
      private: true,
      noStore: true,
      maxAge: undefined,
    });
    expect(parseCacheControl('no-store, private="unterminated, public').noStore).toBe(true);
  });

  it('ignores members whose name is not a token', () => {
    expect(parseCacheControl('no store, "no-store", no-store:1')).toEqual(NONE);
  });

  it('never throws and returns only known, well-typed fields on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const parsed = parseCacheControl(value);
        expect(Object.keys(parsed).sort()).toEqual(Object.keys(NONE).sort());
        for (const key of ['maxAge', 'sMaxAge', 'staleWhileRevalidate', 'staleIfError'] as const) {
          const seconds = parsed[key];
          if (seconds !== undefined) {
            expect(Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_DELTA_SECONDS).toBe(
              true,
            );
          }
        }
      }),
    );
  });
});
