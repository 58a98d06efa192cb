import { describe, expect, it } from 'vitest';
import { parseCacheControl } from './cache-control.js';
import {
  type CallCachePolicy,
  strictestCacheControl,
  strictestCdnCacheControl,
} from './cache-policy.js';

const pub = (extra: Partial<CallCachePolicy> = {}): CallCachePolicy => ({
  cacheable: true,
  scope: 'public',
  maxAge: undefined,
  ...extra,
});
const priv = (extra: Partial<CallCachePolicy> = {}): CallCachePolicy =>
  pub({ scope: 'private', ...extra });

describe('strictestCacheControl', () => {
  it.each([
    ['no calls', [], 'no-store'],
    ['one uncacheable call', [pub({ cacheable: false })], 'no-store'],
    ['any uncacheable call', [pub({ maxAge: 60 }), priv(), pub({ cacheable: false })], 'no-store'],
    ['one public call, default', [pub()], 'no-cache'],
    ['one private call, default', [priv()], 'private, no-cache'],
    ['a private call in a public batch', [pub(), priv(), pub()], 'private, no-cache'],
    ['one call with maxAge', [pub({ maxAge: 60 })], 'max-age=60'],
    ['the minimum maxAge', [pub({ maxAge: 60 }), pub({ maxAge: 30 })], 'max-age=30'],
    ['maxAge 0 is kept', [pub({ maxAge: 0 }), pub({ maxAge: 30 })], 'max-age=0'],
    ['maxAge only when every call opted in', [pub({ maxAge: 60 }), pub()], 'no-cache'],
    ['private with maxAge', [priv({ maxAge: 60 }), pub({ maxAge: 10 })], 'private, max-age=10'],
    ['s-maxage with max-age', [pub({ maxAge: 10, sMaxAge: 300 })], 'max-age=10, s-maxage=300'],
    ['s-maxage alone', [pub({ sMaxAge: 300 })], 'max-age=0, s-maxage=300'],
    [
      'minimum s-maxage',
      [pub({ sMaxAge: 300 }), pub({ sMaxAge: 100, maxAge: 5 })],
      'max-age=0, s-maxage=100',
    ],
    ['s-maxage only when every call opted in', [pub({ sMaxAge: 300 }), pub()], 'no-cache'],
    ['s-maxage dropped when private', [priv({ sMaxAge: 300 })], 'private, no-cache'],
    [
      's-maxage dropped when private, max-age kept',
      [priv({ maxAge: 5, sMaxAge: 300 }), pub({ maxAge: 9, sMaxAge: 300 })],
      'private, max-age=5',
    ],
    [
      'stale-while-revalidate with a lifetime',
      [
        pub({ maxAge: 60, staleWhileRevalidate: 30 }),
        pub({ maxAge: 60, staleWhileRevalidate: 10 }),
      ],
      'max-age=60, stale-while-revalidate=10',
    ],
    [
      'stale-while-revalidate with s-maxage',
      [pub({ sMaxAge: 60, staleWhileRevalidate: 30 })],
      'max-age=0, s-maxage=60, stale-while-revalidate=30',
    ],
    [
      'stale-while-revalidate only when every call opted in',
      [pub({ maxAge: 60, staleWhileRevalidate: 30 }), pub({ maxAge: 60 })],
      'max-age=60',
    ],
    ['stale-while-revalidate never with no-cache', [pub({ staleWhileRevalidate: 30 })], 'no-cache'],
    ['fractions are floored', [pub({ maxAge: 59.9 })], 'max-age=59'],
    ['huge lifetimes are capped at 2^31', [pub({ maxAge: 1e20 })], 'max-age=2147483648'],
    ['a negative lifetime counts as not set', [pub({ maxAge: -1 })], 'no-cache'],
    ['NaN counts as not set', [pub({ maxAge: Number.NaN })], 'no-cache'],
    ['Infinity counts as not set', [pub({ maxAge: Number.POSITIVE_INFINITY })], 'no-cache'],
  ] as const)('%s → %s', (_, calls, expected) => {
    expect(strictestCacheControl(calls)).toBe(expected);
  });

  it('never emits public', () => {
    const all = [
      pub(),
      pub({ maxAge: 60 }),
      pub({ maxAge: 1, sMaxAge: 2, staleWhileRevalidate: 3 }),
    ];
    for (const call of all) expect(strictestCacheControl([call])).not.toContain('public');
  });

  it('emits a value its own parser reads back', () => {
    const value = strictestCacheControl([
      pub({ maxAge: 10, sMaxAge: 20, staleWhileRevalidate: 5 }),
      pub({ maxAge: 15, sMaxAge: 25, staleWhileRevalidate: 7 }),
    ]);
    expect(parseCacheControl(value)).toMatchObject({
      maxAge: 10,
      sMaxAge: 20,
      staleWhileRevalidate: 5,
      noCache: false,
      noStore: false,
      private: false,
    });
  });

  it('is independent of call order', () => {
    const calls = [priv({ maxAge: 30 }), pub({ maxAge: 10, sMaxAge: 5 }), pub({ maxAge: 20 })];
    expect(strictestCacheControl([...calls].reverse())).toBe(strictestCacheControl(calls));
  });
});

describe('strictestCdnCacheControl (CDN-Cache-Control, Surrogate-Control)', () => {
  it.each([
    ['no calls', [], 'no-store'],
    ['no sMaxAge: the CDN keeps nothing', [pub({ maxAge: 60 })], 'no-store'],
    ['sMaxAge', [pub({ sMaxAge: 300 })], 'max-age=300'],
    ['the minimum over a batch', [pub({ sMaxAge: 300 }), pub({ sMaxAge: 30 })], 'max-age=30'],
    ['one call without sMaxAge', [pub({ sMaxAge: 300 }), pub()], 'no-store'],
    ['a private call', [pub({ sMaxAge: 300 }), priv()], 'no-store'],
    ['an uncacheable call', [pub({ sMaxAge: 300, cacheable: false })], 'no-store'],
    [
      'stale windows when every call set them (minimum)',
      [
        pub({ sMaxAge: 300, staleWhileRevalidate: 30, staleIfError: 600 }),
        pub({ sMaxAge: 200, staleWhileRevalidate: 10, staleIfError: 60 }),
      ],
      'max-age=200, stale-while-revalidate=10, stale-if-error=60',
    ],
    [
      'a stale window one call lacks is dropped',
      [pub({ sMaxAge: 300, staleIfError: 600 }), pub({ sMaxAge: 300 })],
      'max-age=300',
    ],
  ])('%s', (_name, calls, expected) => {
    expect(strictestCdnCacheControl(calls)).toBe(expected);
  });
});
