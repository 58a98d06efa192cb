import { ConfigurationError, createCache } from '@routecache/core';
import { requestStateFor, requestStateOf } from '@routecache/core/adapter';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { isStreamedRequest, withCacheContext } from './cache-context.js';
import { createCacheMiddleware } from './middleware.js';

describe('withCacheContext', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('adds the request state to a fetch-adapter context, keeping the user context', async () => {
    const req = new Request('http://localhost/trpc/a,b', { headers: { 'Accept-Language': 'fr' } });
    const wrapped = requestStateFor(req);
    const resHeaders = new Headers();
    const createContext = withCacheContext(() => ({ user: 'alice' }));
    const ctx = await createContext({
      req,
      resHeaders,
      info: { calls: [{ path: 'a' }, { path: 'b' }] },
    });
    expect(ctx.user).toBe('alice');
    expect(Object.keys(ctx)).toEqual(['user']);
    const state = requestStateOf(ctx);
    expect(state).toBe(wrapped);
    expect(state?.callCount).toBe(2);
    expect(state?.requestHeaders?.get('accept-language')).toBe('fr');
    resHeaders.set('vary', '*');
    expect(state?.responseHeaders?.get('vary')).toBe('*');
  });

  it('reads Node request headers and response headers set on res', async () => {
    const req = { headers: { 'accept-language': 'de', cookie: ['a', 'b'] } };
    requestStateFor(req);
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
    const req = {};
    requestStateFor(req);
    const ctx = await withCacheContext()({ req });
    expect(requestStateOf({ ...ctx, extra: 1 })).toBe(requestStateOf(ctx));
    expect(requestStateOf({})).toBeUndefined();
    expect(requestStateOf(undefined)).toBeUndefined();
  });

  it('warns once per kind of wrapper when no handler wrapper saw the request', async () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const createContext = withCacheContext();
    const ctx = await createContext({ req: { headers: {} } });
    // The calls are still reported, to a state no wrapper will read.
    expect(requestStateOf(ctx)).toBeDefined();
    await createContext({ req: { headers: {} } });
    await createContext({ req: new Request('http://localhost/trpc/a') });
    const messages = emit.mock.calls.map(([message]) => String(message));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('withNodeHttpCache');
    expect(messages[1]).toContain('withHttpCache');
    expect(emit.mock.calls[0]?.[1]).toMatchObject({ code: 'ROUTECACHE_NO_HTTP_GLUE' });
  });

  it('refuses a procedure whose cache runs before an .input(), checking each procedure once', async () => {
    const t = initTRPC.create();
    const cacheMiddleware = createCacheMiddleware(createCache());
    const misplaced = t.procedure
      .input(z.object({ a: z.string() }))
      .use(cacheMiddleware({ scope: 'public' }))
      .input(z.object({ b: z.string() }))
      .query(() => 1);
    const sound = t.procedure
      .input(z.object({ a: z.string() }))
      .input(z.object({ b: z.string() }))
      .use(cacheMiddleware({ scope: 'public' }))
      .query(() => 1);
    const createContext = withCacheContext();
    const req = {};
    requestStateFor(req);
    const refused = createContext({
      req,
      info: { calls: [{ path: 'x.get', procedure: misplaced }] },
    });
    await expect(refused).rejects.toBeInstanceOf(ConfigurationError);
    await expect(refused).rejects.toThrow('"x.get"');

    let reads = 0;
    const counted = {
      get _def() {
        reads++;
        return sound._def;
      },
    };
    for (let call = 0; call < 3; call++) {
      await createContext({ req, info: { calls: [{ path: 'y.get', procedure: counted }] } });
    }
    expect(reads).toBe(1);
  });
});

describe('isStreamedRequest', () => {
  it('recognizes the jsonl accept header of httpBatchStreamLink', () => {
    expect(isStreamedRequest(new Headers({ 'trpc-accept': 'application/jsonl' }))).toBe(true);
    expect(isStreamedRequest(new Headers())).toBe(false);
  });
});
