import { describe, expect, it } from 'vitest';
import { combineEtags } from '../http/index.js';
import { callRecord } from './__fixtures__/call-record.js';
import { surrogateKeyHeaderOf } from './cdn.js';
import { foldCacheHeaders, foldWireHeaders, isNotModified } from './fold.js';
import { type CallRecord, RequestCacheState } from './request-state.js';

function state(calls: (CallRecord | undefined)[]): RequestCacheState {
  const result = new RequestCacheState();
  result.callCount = calls.length;
  calls.forEach((call, index) => {
    if (call !== undefined) result.record(index, call);
  });
  return result;
}

const trpcHeaders = new Headers({ vary: 'trpc-accept, accept' });

describe('foldWireHeaders', () => {
  it("encodes each response's tags anew when the path or the tag list differs", () => {
    const tags = (call: CallRecord) => foldWireHeaders(state([call]))?.['routecache-tags'];
    const users = Object.freeze(['users']);
    expect(tags(callRecord({ path: 'a', tags: users }))).toBe('1;[["a",["users"]]]');
    expect(tags(callRecord({ path: 'a', tags: users }))).toBe('1;[["a",["users"]]]');
    expect(tags(callRecord({ path: 'b', tags: users }))).toBe('1;[["b",["users"]]]');
    expect(tags(callRecord({ path: 'b', tags: Object.freeze(['posts']) }))).toBe(
      '1;[["b",["posts"]]]',
    );
    // A tags function's list is fresh (not frozen) and may be reused mutated: read every time.
    const computed = ['user:1'];
    expect(tags(callRecord({ path: 'b', tags: computed }))).toBe('1;[["b",["user:1"]]]');
    computed[0] = 'user:2';
    expect(tags(callRecord({ path: 'b', tags: computed }))).toBe('1;[["b",["user:2"]]]');
  });

  it('returns nothing without cached calls or invalidations', () => {
    expect(foldWireHeaders(state([undefined]))).toBeUndefined();
  });

  it('lists the cached calls of a batch in order with their declared tags', () => {
    const batch = state([
      callRecord({ path: 'users.get', tags: ['users', 'user:1'] }),
      undefined,
      callRecord({ path: 'users.list', tags: ['users'] }),
    ]);
    expect(foldWireHeaders(batch)).toEqual({
      'routecache-tags': '1;[["users.get",["users","user:1"]],["users.list",["users"]]]',
    });
  });

  it('unions what the mutations of a batch invalidated, without duplicates', () => {
    const batch = state([undefined, undefined, undefined]);
    batch.recordInvalidation(0, {
      calls: [['users.get', { userId: 1 }]],
      paths: ['users'],
      tags: ['users'],
    });
    // Index 1 failed: it recorded nothing. Index 2 names some of the same things again.
    batch.recordInvalidation(2, {
      calls: [['users.get', { userId: 1 }]],
      paths: ['users', 'posts.list'],
      tags: ['t'],
    });
    expect(foldWireHeaders(batch)).toEqual({
      'routecache-invalidate':
        '1;{"calls":[["users.get",{"userId":1}]],"paths":["users","posts.list"],"tags":["users","t"]}',
    });
  });
});

describe('foldCacheHeaders', () => {
  it('adds CDN headers when a call set sMaxAge or a CDN is configured, and only then', () => {
    const cdnNames = [
      'cdn-cache-control',
      'surrogate-control',
      'surrogate-key',
      'cache-tag',
      'xkey',
    ];
    const present = (headers: object | undefined) =>
      cdnNames.filter((name) => headers !== undefined && name in headers);
    const plain = foldCacheHeaders(state([callRecord()]), trpcHeaders);
    expect(present(plain)).toEqual([]);

    const directed = foldCacheHeaders(state([callRecord({ sMaxAge: 60 })]), trpcHeaders);
    expect(directed).toMatchObject({
      'cdn-cache-control': 'max-age=60',
      'surrogate-control': 'max-age=60',
    });

    const keyed = state([callRecord({ surrogateKeys: ['k:abc', '@post'] })]);
    keyed.cdn = surrogateKeyHeaderOf('varnish');
    const withKeys = foldCacheHeaders(keyed, trpcHeaders);
    expect(present(withKeys)).toEqual(['xkey']);
    expect(withKeys?.xkey).toBe('k:abc @post');
  });

  it('returns nothing when no call went through a cache middleware', () => {
    expect(foldCacheHeaders(state([undefined, undefined]), trpcHeaders)).toBeUndefined();
  });

  it('gives a single call its own status, tag and policy', () => {
    expect(
      foldCacheHeaders(state([callRecord({ vary: ['accept-language'] })]), trpcHeaders),
    ).toEqual({
      'x-cache': 'HIT',
      'cache-status': 'routecache; hit; ttl=30',
      etag: '"a"',
      'cache-control': 'no-cache',
      vary: 'trpc-accept, accept, accept-language',
    });
  });

  it('folds a batch in order: statuses, combined tag, strictest policy', () => {
    const headers = foldCacheHeaders(
      state([
        callRecord({ maxAge: 60 }),
        callRecord({ status: 'MISS', etag: '"b"', maxAge: 30, scope: 'private' }),
      ]),
      trpcHeaders,
    );
    expect(headers).toEqual({
      'x-cache': 'HIT, MISS',
      'cache-status': 'routecache; fwd=partial',
      etag: combineEtags(['"a"', '"b"']),
      'cache-control': 'private, max-age=30',
      vary: 'trpc-accept, accept',
    });
  });

  it('shows an unhandled call as BYPASS and gives the batch no tag and no-store', () => {
    expect(foldCacheHeaders(state([callRecord(), undefined]), trpcHeaders)).toEqual({
      'x-cache': 'HIT, BYPASS',
      'cache-status': 'routecache; fwd=partial',
      'cache-control': 'no-store',
      vary: 'trpc-accept, accept',
    });
  });

  it('counts the calls of the request, not only the recorded ones', () => {
    const partial = state([callRecord()]);
    partial.callCount = 3;
    expect(foldCacheHeaders(partial, trpcHeaders)?.['x-cache']).toBe('HIT, BYPASS, BYPASS');
  });

  it('never loosens a Cache-Control the response already carries', () => {
    const fold = (cacheControl: string) =>
      foldCacheHeaders(
        state([callRecord({ maxAge: 60 })]),
        new Headers({ 'cache-control': cacheControl }),
      )?.['cache-control'];
    expect(fold('no-store')).toBe('no-store');
    expect(fold('private, max-age=10')).toBe('private, max-age=10');
    expect(fold('no-cache')).toBe('no-cache');
  });

  it('makes a response carrying a cookie private', () => {
    const headers = new Headers({ 'set-cookie': 'sid=1' });
    expect(foldCacheHeaders(state([callRecord()]), headers)?.['cache-control']).toBe(
      'private, no-cache',
    );
  });

  it('keeps Vary: * from the response', () => {
    expect(foldCacheHeaders(state([callRecord()]), new Headers({ vary: '*' }))?.vary).toBe('*');
  });

  it('merges Vary for each response anew when the route, its glue or the response differ', () => {
    const lang = Object.freeze(['accept-language']);
    const origin = Object.freeze(['origin']);
    const glue = (extra: readonly string[], call: CallRecord) => {
      const one = state([call]);
      one.extraVary = extra;
      return one;
    };
    const vary = (one: RequestCacheState, response: Headers) =>
      foldCacheHeaders(one, response)?.vary;
    // The same inputs twice, then each input changed in turn: never a stale merge.
    expect(vary(glue([], callRecord({ vary: lang })), trpcHeaders)).toBe(
      'trpc-accept, accept, accept-language',
    );
    expect(vary(glue([], callRecord({ vary: lang })), trpcHeaders)).toBe(
      'trpc-accept, accept, accept-language',
    );
    expect(vary(glue([], callRecord({ vary: origin })), trpcHeaders)).toBe(
      'trpc-accept, accept, origin',
    );
    expect(
      vary(glue(Object.freeze(['accept-encoding']), callRecord({ vary: origin })), trpcHeaders),
    ).toBe('trpc-accept, accept, origin, accept-encoding');
    expect(vary(glue([], callRecord({ vary: origin })), new Headers({ vary: 'accept' }))).toBe(
      'accept, origin',
    );
    // A list that is not frozen may change between responses: it is read every time.
    const open = ['x-a'];
    expect(vary(glue([], callRecord({ vary: open })), trpcHeaders)).toBe(
      'trpc-accept, accept, x-a',
    );
    open[0] = 'x-b';
    expect(vary(glue([], callRecord({ vary: open })), trpcHeaders)).toBe(
      'trpc-accept, accept, x-b',
    );
  });
});

describe('isNotModified', () => {
  it('answers 304 only for a successful GET whose If-None-Match matches', () => {
    expect(isNotModified('GET', 200, '"a"', '"a"')).toBe(true);
    expect(isNotModified('GET', 200, 'W/"a", "b"', '"a"')).toBe(true);
    expect(isNotModified('GET', 200, '*', '"a"')).toBe(true);
    expect(isNotModified('GET', 200, '"b"', '"a"')).toBe(false);
    expect(isNotModified('GET', 200, '*', undefined)).toBe(false);
    expect(isNotModified('POST', 200, '"a"', '"a"')).toBe(false);
    expect(isNotModified('GET', 207, '"a"', '"a"')).toBe(false);
    expect(isNotModified('GET', 200, null, '"a"')).toBe(false);
  });
});
