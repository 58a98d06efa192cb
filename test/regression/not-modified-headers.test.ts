/**
 * Guards the 304 against dropping headers this request produced: a middleware before the cache
 * that refreshes a session cookie (and tags the request) sets them on every call; the 200 HIT
 * carries them and so must the 304 that stands for it. Only the headers describing the body it
 * omits (Content-Type, Content-Length) are left out (RFC 9110 §15.4.5). Real HTTP servers.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
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
  const runs = { item: 0 };
  const t = initTRPC.context<TestContext>().create();
  const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }));
  // Before the cache: runs on hits too, as a session refresh does.
  const session = t.procedure.use(({ ctx, next }) => {
    if (ctx.user !== null) {
      ctx.setResponseHeader('set-cookie', `session=${ctx.user}; HttpOnly`);
      ctx.setResponseHeader('x-request-id', `req-${ctx.user}`);
    }
    return next();
  });
  const router = t.router({
    item: session
      .input(z.object({ id: z.string() }))
      .use(cacheMiddleware({ scope: 'public' }))
      .query(({ input }) => ({ id: input.id, run: ++runs.item })),
  });
  return { router, runs };
}
type Router = ReturnType<typeof buildRouter>['router'];

describe.each(HTTP_ADAPTERS)('304 Not Modified (%s adapter)', (kind) => {
  let server: TrpcTestServer;
  let runs: { item: number };
  afterEach(() => server.close());

  /** A fresh server and cache, warmed by an anonymous call (no cookie: stored); its ETag. */
  async function warm(): Promise<string> {
    const app = buildRouter();
    runs = app.runs;
    server = await startTrpcServer(kind, app.router);
    const { client, last } = recordingClient<Router>(server.url);
    await client.item.query({ id: '1' });
    expect(last().headers.get('x-cache')).toBe('MISS');
    return last().headers.get('etag') ?? '';
  }

  const itemUrl = () =>
    `${server.url}/item?input=${encodeURIComponent(JSON.stringify({ id: '1' }))}`;

  it('carries the cookie a middleware before the cache set, as the 200 HIT does', async () => {
    const etag = await warm();
    const { client, last } = recordingClient<Router>(server.url, {
      headers: { 'x-user': 'ada' },
    });
    await client.item.query({ id: '1' });
    expect(last().headers.get('x-cache')).toBe('HIT');
    expect(last().headers.get('set-cookie')).toBe('session=ada; HttpOnly');

    const notModified = await fetch(itemUrl(), {
      headers: { 'x-user': 'ada', 'if-none-match': etag },
    });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('set-cookie')).toBe('session=ada; HttpOnly');
    expect(notModified.headers.get('x-request-id')).toBe('req-ada');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('x-cache')).toBe('HIT');
    expect(notModified.headers.get('vary')).toBe('trpc-accept, accept');
    // A cookie makes the response private for shared caches, on the 304 as on the 200.
    expect(notModified.headers.get('cache-control')).toBe('private, no-cache');
    expect(runs.item).toBe(1);
  });

  it('leaves out only the headers that describe the omitted body', async () => {
    const etag = await warm();
    const notModified = await fetch(itemUrl(), { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('content-type')).toBeNull();
    expect(notModified.headers.get('content-length')).toBeNull();
    expect(notModified.headers.get('set-cookie')).toBeNull();
    expect(notModified.headers.get('cache-control')).toBe('no-cache');
  });
});
