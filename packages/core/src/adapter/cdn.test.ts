import { describe, expect, it } from 'vitest';
import { callRecord } from './__fixtures__/call-record.js';
import { cacheStatus } from './cache-status.js';
import { MAX_SURROGATE_HEADER_LENGTH } from './cdn.js';
import { foldCacheHeaders } from './fold.js';
import { type HttpCacheOptions, resolveHttpCacheOptions } from './http-options.js';
import { type CallRecord, RequestCacheState } from './request-state.js';

function fold(calls: (CallRecord | undefined)[], options: HttpCacheOptions = { cdn: 'varnish' }) {
  const state = new RequestCacheState();
  state.callCount = calls.length;
  state.cdn = resolveHttpCacheOptions(options).cdn;
  calls.forEach((call, index) => {
    if (call !== undefined) state.record(index, call);
  });
  return foldCacheHeaders(state, new Headers({ vary: 'trpc-accept, accept' }));
}

const shared = (keys: string[], extra: Partial<CallRecord> = {}) =>
  callRecord({ sMaxAge: 300, surrogateKeys: keys, ...extra });

describe('surrogate keys and CDN directives', () => {
  it.each([
    ['fastly', 'surrogate-key', 'users @users k:1'],
    ['cloudflare', 'cache-tag', 'users,@users,k:1'],
    ['varnish', 'xkey', 'users @users k:1'],
  ] as const)('%s: keys in %s', (cdn, header, value) => {
    const headers = fold([shared(['users', '@users', 'k:1'])], { cdn });
    expect(headers?.[header]).toBe(value);
    expect(headers?.['cdn-cache-control']).toBe('max-age=300');
    expect(headers?.['surrogate-control']).toBe('max-age=300');
    expect(headers?.['cache-control']).toBe('max-age=0, s-maxage=300');
  });

  it('a batch carries the union of its calls’ keys, de-duplicated, and the strictest directives', () => {
    const headers = fold([
      shared(['users', '@users.get', '@users', 'k:1'], { staleIfError: 60, sMaxAge: 300 }),
      shared(['users', '@users.list', '@users', 'k:2'], { staleIfError: 30, sMaxAge: 100 }),
    ]);
    expect(headers?.xkey).toBe('users @users.get @users k:1 @users.list k:2');
    expect(headers?.['cdn-cache-control']).toBe('max-age=100, stale-if-error=30');
  });

  it('private and uncacheable responses carry no keys and tell the CDN no-store', () => {
    const priv = fold([shared(['a']), callRecord({ scope: 'private' })]);
    expect(priv?.xkey).toBeUndefined();
    expect(priv?.['cdn-cache-control']).toBe('no-store');
    expect(priv?.['cache-control']).toBe('private, no-cache');
    const uncacheable = fold([shared(['a']), undefined]);
    expect(uncacheable?.xkey).toBeUndefined();
    expect(uncacheable?.['surrogate-control']).toBe('no-store');
  });

  it('a Set-Cookie or a stricter Cache-Control on the response keeps it out of the CDN', () => {
    const withResponse = (headers: Record<string, string>) => {
      const state = new RequestCacheState();
      state.cdn = resolveHttpCacheOptions({ cdn: 'fastly' }).cdn;
      state.record(0, shared(['a']));
      return foldCacheHeaders(state, new Headers(headers));
    };
    for (const headers of [
      { 'set-cookie': 'sid=1' },
      { 'cache-control': 'no-store' },
      { 'cache-control': 'private' },
    ]) {
      const folded = withResponse(headers);
      expect(folded?.['cdn-cache-control']).toBe('no-store');
      expect(folded?.['surrogate-key']).toBeUndefined();
    }
  });

  it('without sMaxAge no CDN directive is sent; without a cdn no keys', () => {
    const headers = fold([callRecord({ surrogateKeys: ['a'] })]);
    expect(headers?.xkey).toBe('a');
    expect(headers?.['cdn-cache-control']).toBeUndefined();
    expect(fold([shared(['a'])], {})?.xkey).toBeUndefined();
  });

  it('past the cap a batch is kept out of the CDN, never sent with a truncated key list', () => {
    const key = (i: number) => `k:${String(i).padStart(22, '0')}`;
    const perCall = Math.ceil(MAX_SURROGATE_HEADER_LENGTH / 25 / 4) + 1;
    const calls = Array.from({ length: 4 }, (_, c) =>
      shared(Array.from({ length: perCall }, (_, i) => key(c * perCall + i))),
    );
    const headers = fold(calls);
    expect(headers?.xkey).toBeUndefined();
    expect(headers?.['cdn-cache-control']).toBe('no-store');
    expect(headers?.['surrogate-control']).toBe('no-store');
    expect(headers?.['cache-control']).toBe('no-cache');
    expect(fold(calls.slice(0, 1))?.xkey?.split(' ')).toHaveLength(perCall);
  });
});

describe('Cache-Status (RFC 9211)', () => {
  it.each([
    ['one hit', [{ status: 'HIT', ttl: 42 }], 'routecache; hit; ttl=42'],
    [
      'every call hit: the smallest ttl',
      [
        { status: 'HIT', ttl: 42 },
        { status: 'HIT', ttl: 7 },
      ],
      'routecache; hit; ttl=7',
    ],
    ['a miss', [{ status: 'MISS' }], 'routecache; fwd=miss; stored'],
    ['stale', [{ status: 'STALE' }], 'routecache; fwd=stale'],
    ['bypass', [{ status: 'BYPASS' }], 'routecache; fwd=bypass'],
    ['some hit', [{ status: 'HIT', ttl: 1 }, { status: 'MISS' }], 'routecache; fwd=partial'],
    ['hit and stale', [{ status: 'HIT', ttl: 1 }, { status: 'STALE' }], 'routecache; fwd=stale'],
    ['stale and a bypass', [{ status: 'STALE' }, undefined], 'routecache; fwd=partial'],
    ['miss and bypass', [{ status: 'MISS' }, { status: 'BYPASS' }], 'routecache; fwd=miss; stored'],
    ['a failed call only', [undefined], 'routecache; fwd=bypass'],
  ] as const)('%s', (_name, calls, expected) => {
    expect(cacheStatus(calls)).toBe(expected);
  });
});
