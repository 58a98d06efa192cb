import { describe, expect, it } from 'vitest';
import { isCacheableResponse } from './storable.js';

describe('isCacheableResponse', () => {
  it.each([
    ['no caching headers', {}, true],
    ['no-cache (revalidation only)', { 'cache-control': 'no-cache' }, true],
    ['public max-age', { 'cache-control': 'public, max-age=60' }, true],
    ['a normal Vary', { vary: 'Accept, Accept-Encoding' }, true],
    ['no-store', { 'cache-control': 'no-store' }, false],
    ['NO-STORE in a list', { 'cache-control': 'max-age=60, NO-STORE' }, false],
    ['private', { 'cache-control': 'private, max-age=60' }, false],
    ['qualified private', { 'cache-control': 'private="x-user"' }, false],
    ['Vary: *', { vary: '*' }, false],
    ['* inside a Vary list', { vary: 'Accept, *' }, false],
    ['a Vary member that is not a field name', { vary: 'accept language' }, false],
    ['Set-Cookie', { 'set-cookie': 'sid=1; HttpOnly' }, false],
    ['an empty Set-Cookie', { 'set-cookie': '' }, false],
  ] as const)('%s → %s', (_, init, expected) => {
    expect(isCacheableResponse(new Headers(init))).toBe(expected);
  });

  it('allows private responses into private (per-principal) storage', () => {
    const headers = new Headers({ 'cache-control': 'private, max-age=60' });
    expect(isCacheableResponse(headers, { scope: 'private' })).toBe(true);
    expect(isCacheableResponse(headers, { scope: 'public' })).toBe(false);
  });

  it('keeps refusing no-store, Vary: * and Set-Cookie in private storage', () => {
    for (const init of [
      { 'cache-control': 'private, no-store' },
      { vary: '*' },
      { 'set-cookie': 'sid=1' },
    ]) {
      expect(isCacheableResponse(new Headers(init), { scope: 'private' })).toBe(false);
    }
  });

  it('works with any object that has get()', () => {
    const headers = new Map([['cache-control', 'no-store']]);
    const view = { get: (name: string) => headers.get(name) ?? null };
    expect(isCacheableResponse(view)).toBe(false);
  });
});
