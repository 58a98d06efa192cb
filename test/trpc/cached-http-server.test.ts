/**
 * createCachedHTTPServer: tRPC's standalone server with routecache's glue built in (the context
 * wrapper and the header/304 handling), with and without a createContext of the user's.
 */
import type { ServerResponse } from 'node:http';
import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listenServer } from '../support/trpc-server.js';

const t = initTRPC.context<{ user: string | undefined }>().create();

function buildRouter() {
  const runs = { n: 0 };
  const cacheMiddleware = createCacheMiddleware(createCache(), {
    principal: (ctx: { user: string | undefined }) => ctx.user,
  });
  const router = t.router({
    greet: t.procedure
      .input(z.object({ name: z.string() }))
      .use(cacheMiddleware({ vary: ['accept-language'] }))
      .query(({ input }) => {
        runs.n++;
        return `hello ${input.name}`;
      }),
    me: t.procedure
      .use(cacheMiddleware({ scope: 'private' }))
      .query(({ ctx }) => `you are ${ctx.user}`),
  });
  return { router, runs };
}

const closers: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(closers.splice(0).map((close) => close())));

async function listen(server: ReturnType<typeof createCachedHTTPServer>): Promise<string> {
  const { url, close } = await listenServer(server);
  closers.push(close);
  return url;
}

describe('createCachedHTTPServer', () => {
  it('serves MISS, HIT and 304 with the headers of the glue, keeping the user context', async () => {
    const { router, runs } = buildRouter();
    const url = await listen(
      createCachedHTTPServer({
        router,
        basePath: '/trpc/',
        createContext: ({ req }) => ({ user: req.headers['x-user'] as string | undefined }),
      }),
    );
    const greet = `${url}/greet?input=${encodeURIComponent(JSON.stringify({ name: 'Ada' }))}`;
    const miss = await fetch(greet, { headers: { 'accept-language': 'en' } });
    const hit = await fetch(greet, { headers: { 'accept-language': 'en' } });
    expect([miss.headers.get('x-cache'), hit.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
    expect(hit.headers.get('vary')).toBe('trpc-accept, accept, accept-language');
    const etag = hit.headers.get('etag') ?? '';
    expect(etag).toBe(miss.headers.get('etag'));
    const notModified = await fetch(greet, {
      headers: { 'accept-language': 'en', 'if-none-match': etag },
    });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(runs.n).toBe(1);

    const me = await fetch(`${url}/me`, { headers: { 'x-user': 'ada' } });
    expect(((await me.json()) as { result: { data: string } }).result.data).toBe('you are ada');
    expect(me.headers.get('cache-control')).toBe('private, no-cache');
  });

  it('works without a createContext for a router whose context is empty', async () => {
    const bare = initTRPC.create();
    let runs = 0;
    const cacheMiddleware = createCacheMiddleware(createCache());
    const router = bare.router({
      ping: bare.procedure.use(cacheMiddleware()).query(() => {
        runs++;
        return 'pong';
      }),
    });
    const url = await listen(createCachedHTTPServer({ router, basePath: '/trpc/' }));
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await fetch(`${url}/ping`)).headers.get('x-cache'));
    expect(statuses).toEqual(['MISS', 'HIT']);
    expect(runs).toBe(1);
  });

  it("merges a resolver's Vary with tRPC's and drops the body headers from a 304", async () => {
    const withRes = initTRPC.context<{ res: ServerResponse }>().create();
    const cacheMiddleware = createCacheMiddleware(createCache());
    const router = withRes.router({
      page: withRes.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
        ctx.res.setHeader('Vary', 'Origin');
        return 'page';
      }),
    });
    const url = await listen(
      createCachedHTTPServer({ router, basePath: '/trpc/', createContext: ({ res }) => ({ res }) }),
    );
    const miss = await fetch(`${url}/page`);
    expect(miss.headers.get('vary')).toBe('origin, trpc-accept, accept');
    const notModified = await fetch(`${url}/page`, {
      headers: { 'if-none-match': miss.headers.get('etag') ?? '' },
    });
    expect(notModified.status).toBe(304);
    // A hit runs no resolver: the 304 varies on what tRPC's response does.
    expect(notModified.headers.get('vary')).toBe('trpc-accept, accept');
    expect(notModified.headers.get('content-type')).toBeNull();
    expect(notModified.headers.get('x-cache')).toBe('HIT');
  });
});
