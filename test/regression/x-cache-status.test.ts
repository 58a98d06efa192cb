/**
 * Guards X-Cache against reporting MISS for calls that were not cached: one status table for
 * every outcome (HIT, STALE, MISS = resolver ran and the result was stored, BYPASS = the cache
 * was not used), and no status at all for a call whose resolver failed (no header for a single
 * call, BYPASS in its batch slot). Real HTTP servers, the real tRPC client.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingClient } from '../support/trpc-client.js';
import { HTTP_ADAPTERS, startTrpcServer, type TestContext } from '../support/trpc-server.js';

/** A class instance: tRPC serializes it as JSON, routecache's codec refuses to store it. */
class Point {
  constructor(readonly x: number) {}
}

function buildRouter() {
  const runs: Record<string, number> = {};
  const count = (name: string) => {
    runs[name] = (runs[name] ?? 0) + 1;
    return runs[name];
  };
  const t = initTRPC.context<TestContext>().create();
  const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }), {
    principal: (ctx: TestContext) => ctx.user ?? undefined,
  });
  const router = t.router({
    item: t.procedure
      .input(z.object({ id: z.string() }))
      .use(cacheMiddleware({ scope: 'public' }))
      .query(({ input }) => ({ id: input.id, run: count('item') })),
    missing: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => {
      count('missing');
      throw new TRPCError({ code: 'NOT_FOUND', message: 'nothing here' });
    }),
    setsCookie: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      ctx.setResponseHeader('set-cookie', 'sid=1');
      return count('setsCookie');
    }),
    noStore: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      ctx.setResponseHeader('cache-control', 'no-store');
      return count('noStore');
    }),
    point: t.procedure
      .use(cacheMiddleware({ scope: 'public' }))
      .query(() => ({ point: new Point(count('point')) })),
    mine: t.procedure
      .use(cacheMiddleware({ scope: 'private' }))
      .query(({ ctx }) => ({ user: ctx.user, run: count('mine') })),
  });
  return { router, runs };
}
type Router = ReturnType<typeof buildRouter>['router'];

describe.each(HTTP_ADAPTERS)('X-Cache (%s adapter)', (kind) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function start(options: { batch?: boolean; user?: string } = {}) {
    const app = buildRouter();
    const server = await startTrpcServer(kind, app.router);
    close = () => server.close();
    const headers: Record<string, string> =
      options.user === undefined ? {} : { 'x-user': options.user };
    const recording = recordingClient<Router>(server.url, {
      batch: options.batch ?? false,
      headers,
    });
    return { ...app, ...recording, server };
  }

  it('says MISS for a stored result, then HIT', async () => {
    const { client, last } = await start();
    await client.item.query({ id: '1' });
    expect(last().headers.get('x-cache')).toBe('MISS');
    await client.item.query({ id: '1' });
    expect(last().headers.get('x-cache')).toBe('HIT');
  });

  it('sends no cache header at all for a single call whose resolver failed', async () => {
    const { client, responses, runs } = await start();
    for (let call = 1; call <= 2; call++) {
      await expect(client.missing.query()).rejects.toThrow('nothing here');
      const response = responses.at(-1);
      expect(response?.status).toBe(404);
      expect(response?.headers.get('x-cache')).toBeNull();
      expect(response?.headers.get('etag')).toBeNull();
      expect(response?.headers.get('cache-control')).toBeNull();
    }
    expect(runs.missing).toBe(2);
  });

  it('shows a failed call as BYPASS in its batch slot', async () => {
    const { client, last } = await start({ batch: true });
    await client.item.query({ id: '1' });
    const [hit, failed] = await Promise.allSettled([
      client.item.query({ id: '1' }),
      client.missing.query(),
    ]);
    expect(hit.status).toBe('fulfilled');
    expect(failed.status).toBe('rejected');
    expect(last().headers.get('x-cache')).toBe('HIT, BYPASS');
    expect(last().headers.get('etag')).toBeNull();
    expect(last().headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['sets a cookie', 'setsCookie'],
    ['says Cache-Control: no-store', 'noStore'],
    ['holds a value the codec cannot store', 'point'],
  ] as const)('says BYPASS for a response that %s, and no-store', async (_name, path) => {
    const { client, last, runs } = await start();
    for (let call = 1; call <= 2; call++) {
      await client[path].query();
      expect(last().headers.get('x-cache')).toBe('BYPASS');
      expect(last().headers.get('etag')).toBeNull();
      expect(last().headers.get('cache-control')).toBe('no-store');
      expect(runs[path]).toBe(call);
    }
  });

  it('says BYPASS for a private route called without a principal, MISS with one', async () => {
    const anonymous = await start();
    await anonymous.client.mine.query();
    expect(anonymous.last().headers.get('x-cache')).toBe('BYPASS');
    await close?.();
    const ada = await start({ user: 'ada' });
    await ada.client.mine.query();
    expect(ada.last().headers.get('x-cache')).toBe('MISS');
  });
});
