import { describe, expect, it } from 'vitest';
import { combineEtags } from '../http/index.js';
import { callRecord } from './__fixtures__/call-record.js';
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
