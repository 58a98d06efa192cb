/**
 * Issue 8, item 2: a route without `scope` was public even when the setup had a `principal`
 * function and the caller had a principal — 20 of 40 calls returned the other user's data, and
 * the only signal was one warning. Now such an entry is keyed by the principal (private), its
 * response says `Cache-Control: private`, and sharing across users takes `scope: 'public'`.
 * Without a principal (anonymous caller, or a setup without a `principal` function) the route
 * stays shared. Driven over real HTTP with the tRPC client.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startTrpcServer, type TestContext, type TrpcTestServer } from '../support/trpc-server.js';

function buildRouter(withPrincipal: boolean) {
  let runs = 0;
  const t = initTRPC.context<TestContext>().create();
  const cache = createCache({ store: memoryStore() });
  const cacheMiddleware = createCacheMiddleware(
    cache,
    withPrincipal ? { principal: (ctx: TestContext) => ctx.user ?? undefined } : {},
  );
  // The resolver reads the caller: exactly the data that must not reach another user.
  const router = t.router({
    dashboard: t.procedure
      .use(cacheMiddleware({ ttl: 60 }))
      .query(({ ctx }) => ({ for: ctx.user, run: ++runs })),
    news: t.procedure
      .use(cacheMiddleware({ ttl: 60, scope: 'public' }))
      .query(() => ({ run: ++runs })),
  });
  return router;
}
type Router = ReturnType<typeof buildRouter>;

describe('private by default (real HTTP, tRPC client)', () => {
  let server: TrpcTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(withPrincipal = true) {
    server = await startTrpcServer('standalone', buildRouter(withPrincipal));
    const { url } = server;
    const client = (user?: string, batch = false) => {
      const headers = () => (user === undefined ? {} : { 'x-user': user });
      return createTRPCClient<Router>({
        links: [batch ? httpBatchLink({ url, headers }) : httpLink({ url, headers })],
      });
    };
    const get = async (path: string, user?: string) => {
      const response = await fetch(`${url}/${path}`, {
        headers: user === undefined ? {} : { 'x-user': user },
      });
      const body = (await response.json()) as { result: { data: { for?: string; run: number } } };
      return {
        data: body.result.data,
        xCache: response.headers.get('x-cache'),
        cacheControl: response.headers.get('cache-control'),
      };
    };
    return { client, get };
  }

  it('never serves one user the entry of another: 0 of 40 alternating calls', async () => {
    const { client } = await start();
    const users = ['alice', 'bob'];
    let foreign = 0;
    for (let i = 0; i < 40; i++) {
      const user = users[i % 2] as string;
      const data = await client(user, i % 4 >= 2).dashboard.query();
      if (data.for !== user) foreign++;
    }
    expect(foreign).toBe(0);
    // Each user's entry was cached: two resolver runs for 40 calls.
    expect((await client('alice').dashboard.query()).run).toBe(1);
    expect((await client('bob').dashboard.query()).run).toBe(2);
  });

  it('sends Cache-Control: private for an entry keyed by the principal', async () => {
    const { get } = await start();
    const miss = await get('dashboard', 'alice');
    const hit = await get('dashboard', 'alice');
    expect([miss.xCache, hit.xCache]).toEqual(['MISS', 'HIT']);
    expect(miss.cacheControl).toBe('private, no-cache');
    expect(hit.cacheControl).toBe('private, no-cache');
  });

  it('shares a route declared public across users, without private', async () => {
    const { get } = await start();
    const alice = await get('news', 'alice');
    const bob = await get('news', 'bob');
    expect([alice.xCache, bob.xCache]).toEqual(['MISS', 'HIT']);
    expect(bob.data).toEqual(alice.data);
    expect(bob.cacheControl).toBe('no-cache');
  });

  it('keeps a route without scope shared for anonymous callers', async () => {
    const { get } = await start();
    const first = await get('dashboard');
    const second = await get('dashboard');
    expect([first.xCache, second.xCache]).toEqual(['MISS', 'HIT']);
    expect(second.data).toEqual(first.data);
    expect(second.cacheControl).toBe('no-cache');
  });

  it('keeps a route without scope shared when the setup has no principal function', async () => {
    const { get } = await start(false);
    const alice = await get('dashboard', 'alice');
    const bob = await get('dashboard', 'bob');
    expect([alice.xCache, bob.xCache]).toEqual(['MISS', 'HIT']);
    expect(bob.cacheControl).toBe('no-cache');
  });
});
