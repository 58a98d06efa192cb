import { describe, expect, it } from 'vitest';
import { requestStateFor, requestStateOf, withCacheContext } from './request-state.js';

describe('withCacheContext', () => {
  it('adds the request state to a fetch-adapter context, keeping the user context', async () => {
    const req = new Request('http://localhost/trpc/a,b', { headers: { 'Accept-Language': 'fr' } });
    const resHeaders = new Headers();
    const createContext = withCacheContext(() => ({ user: 'alice' }));
    const ctx = await createContext({ req, resHeaders, info: { calls: [1, 2] } });
    expect(ctx.user).toBe('alice');
    expect(Object.keys(ctx)).toEqual(['user']);
    const state = requestStateOf(ctx);
    expect(state).toBe(requestStateFor(req));
    expect(state?.callCount).toBe(2);
    expect(state?.requestHeaders?.get('accept-language')).toBe('fr');
    resHeaders.set('vary', '*');
    expect(state?.responseHeaders?.get('vary')).toBe('*');
  });

  it('reads Node request headers and response headers set on res', async () => {
    const req = { headers: { 'accept-language': 'de', cookie: ['a', 'b'] } };
    const headers = new Map<string, string | string[]>();
    const res = { getHeader: (name: string) => headers.get(name) };
    const ctx = await withCacheContext()({ req, res });
    const state = requestStateOf(ctx);
    expect(state?.requestHeaders?.get('Accept-Language')).toBe('de');
    expect(state?.requestHeaders?.get('cookie')).toBe('a, b');
    expect(state?.requestHeaders?.get('x-missing')).toBeNull();
    expect(state?.callCount).toBe(1);
    headers.set('set-cookie', ['sid=1']);
    expect(state?.responseHeaders?.get('set-cookie')).toBe('sid=1');
  });

  it('survives tRPC-style context spreading, and is absent from other contexts', async () => {
    const ctx = await withCacheContext()({ req: {} });
    expect(requestStateOf({ ...ctx, extra: 1 })).toBe(requestStateOf(ctx));
    expect(requestStateOf({})).toBeUndefined();
    expect(requestStateOf(undefined)).toBeUndefined();
  });
});
