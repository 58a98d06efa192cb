/**
 * Guards an ETag the resolver chose against being replaced by the computed one: set through the
 * adapter's response channel (fetch: `resHeaders.set`, Node: `res.setHeader`) or with the typed
 * `setETag(ctx, tag)`, it is stored with the entry, sent on MISS, HIT and 304, and matched by
 * If-None-Match. Real HTTP servers, the real tRPC client.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, setETag } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingClient } from '../support/trpc-client.js';
import {
  HTTP_ADAPTERS,
  startTrpcServer,
  type TestContext,
  type TrpcTestServer,
} from '../support/trpc-server.js';

function buildRouter() {
  const runs: Record<string, number> = {};
  const count = (name: string) => {
    runs[name] = (runs[name] ?? 0) + 1;
    return runs[name];
  };
  const t = initTRPC.context<TestContext>().create();
  const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }));
  const router = t.router({
    viaHeader: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      ctx.setResponseHeader('etag', 'W/"custom"');
      return { run: count('viaHeader') };
    }),
    version: t.procedure
      .input(z.object({ id: z.string() }))
      .use(cacheMiddleware({ scope: 'public' }))
      .query(({ ctx, input }) => {
        setETag(ctx, `"v-${input.id}"`);
        return { id: input.id, run: count(`version.${input.id}`) };
      }),
  });
  return { router, runs };
}
type Router = ReturnType<typeof buildRouter>['router'];

describe.each(HTTP_ADAPTERS)("a resolver's own ETag (%s adapter)", (kind) => {
  let server: TrpcTestServer;
  let runs: Record<string, number>;
  afterEach(() => server.close());

  async function start(batch = false) {
    const app = buildRouter();
    runs = app.runs;
    server = await startTrpcServer(kind, app.router);
    return recordingClient<Router>(server.url, { batch });
  }

  it('keeps a tag set on the response on MISS, HIT and 304, matched weakly', async () => {
    const { client, last } = await start();
    await client.viaHeader.query();
    expect(last().headers.get('x-cache')).toBe('MISS');
    expect(last().headers.get('etag')).toBe('W/"custom"');
    await client.viaHeader.query();
    expect(last().headers.get('x-cache')).toBe('HIT');
    expect(last().headers.get('etag')).toBe('W/"custom"');

    for (const ifNoneMatch of ['W/"custom"', '"custom"', '"other", W/"custom"']) {
      const notModified = await fetch(`${server.url}/viaHeader`, {
        headers: { 'if-none-match': ifNoneMatch },
      });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('etag')).toBe('W/"custom"');
    }
    const changed = await fetch(`${server.url}/viaHeader`, {
      headers: { 'if-none-match': '"computed"' },
    });
    expect(changed.status).toBe(200);
    expect(runs.viaHeader).toBe(1);
  });

  it('keeps a tag given to setETag(ctx, tag), also per call in a batch', async () => {
    const single = await start();
    await single.client.version.query({ id: 'a' });
    expect(single.last().headers.get('etag')).toBe('"v-a"');
    await single.client.version.query({ id: 'a' });
    expect(single.last().headers.get('x-cache')).toBe('HIT');
    expect(single.last().headers.get('etag')).toBe('"v-a"');
    const input = encodeURIComponent(JSON.stringify({ id: 'a' }));
    const notModified = await fetch(`${server.url}/version?input=${input}`, {
      headers: { 'if-none-match': '"v-a"' },
    });
    expect(notModified.status).toBe(304);
    await server.close();

    const batched = await start(true);
    const both = () =>
      Promise.all([
        batched.client.version.query({ id: 'a' }),
        batched.client.version.query({ id: 'b' }),
      ]);
    await both();
    expect(batched.last().headers.get('x-cache')).toBe('MISS, MISS');
    const combined = batched.last().headers.get('etag');
    await both();
    expect(batched.last().headers.get('x-cache')).toBe('HIT, HIT');
    expect(batched.last().headers.get('etag')).toBe(combined);
    // The batch tag is derived from the two resolvers' tags: another pair gives another tag.
    const swapped = await fetch(
      `${server.url}/version,version?batch=1&input=${encodeURIComponent(
        JSON.stringify({ 0: { id: 'b' }, 1: { id: 'a' } }),
      )}`,
    );
    expect(swapped.headers.get('x-cache')).toBe('HIT, HIT');
    expect(swapped.headers.get('etag')).not.toBe(combined);
    expect(runs).toEqual({ 'version.a': 1, 'version.b': 1 });
  });
});
