/**
 * What is oRPC's own in the adapter, over a real Node RPCHandler and the real oRPC client: the
 * placement and event-iterator refusals, batches (each call its own cache headers, never a 304),
 * `Set-Cookie` through ResponseHeadersPlugin, the missing plugin, and typed keys.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createORPCClient } from '@orpc/client';
import { RPCLink } from '@orpc/client/fetch';
import { BatchLinkPlugin } from '@orpc/client/plugins';
import { os, type RouterClient } from '@orpc/server';
import { RPCHandler } from '@orpc/server/node';
import {
  BatchHandlerPlugin,
  ResponseHeadersPlugin,
  type ResponseHeadersPluginContext,
} from '@orpc/server/plugins';
import { ConfigurationError, createCache } from '@routecache/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CachePlugin, createCacheMiddleware, routeKeys } from './index.js';

type Ctx = ResponseHeadersPluginContext & { user: string | null };
type Client = RouterClient<ReturnType<typeof app>['router']>;

function app() {
  const runs = { post: 0, cookie: 0, events: 0, early: 0 };
  const cache = createCache({ namespace: 'orpc' });
  const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user });
  const base = os.$context<Ctx>().route({ method: 'GET' });
  const router = {
    post: base
      .input(z.object({ id: z.string(), lang: z.string().default('en') }))
      .use(cacheMiddleware({ scope: 'public' }))
      .handler(({ input }) => ({ ...input, run: ++runs.post })),
    cookie: base.use(cacheMiddleware({ scope: 'public' })).handler(({ context }) => {
      context.resHeaders?.set('set-cookie', 'session=1');
      return { run: ++runs.cookie };
    }),
    events: base.use(cacheMiddleware({ scope: 'public' })).handler(async function* () {
      runs.events++;
      yield 1;
    }),
    early: base
      .use(cacheMiddleware({ scope: 'public' }))
      .input(z.object({ id: z.string() }))
      .handler(() => ({ run: ++runs.early })),
  };
  return { router, runs, cache };
}

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(router: ReturnType<typeof app>['router'], plugins: unknown[]) {
  const handler = new RPCHandler(router, { plugins: plugins as never[] });
  const server = createServer((req: IncomingMessage, res) => {
    const user = typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : null;
    void handler.handle(req, res, { prefix: '/rpc', context: { user } });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`;
}

function client(url: string, options: { batch?: boolean } = {}) {
  const responses: Response[] = [];
  const link = new RPCLink({
    url,
    method: () => 'GET',
    fetch: async (request, init) => {
      const response = await fetch(request, init);
      responses.push(response.clone());
      return response;
    },
    plugins:
      options.batch === true
        ? [
            new BatchLinkPlugin({
              mode: 'buffered',
              groups: [{ condition: () => true, context: {} }],
            }),
          ]
        : [],
  });
  return { client: createORPCClient<Client>(link), responses };
}

describe('@routecache/orpc', () => {
  it('keys by the parsed input (defaults applied): raw inputs that parse alike share an entry', async () => {
    const { router, runs } = app();
    const { client: orpc, responses } = client(await serve(router, [new CachePlugin()]));
    await orpc.post({ id: '1' });
    expect(await orpc.post({ id: '1', lang: 'en' })).toEqual({ id: '1', lang: 'en', run: 1 });
    expect(responses[1]?.headers.get('x-cache')).toBe('HIT');
    expect(runs.post).toBe(1);
  });

  it('refuses a cache placed before .input(): its key would miss the input', async () => {
    const { router, runs } = app();
    const { client: orpc } = client(await serve(router, [new CachePlugin()]));
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(orpc.early({ id: '1' })).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect(runs.early).toBe(0);
    const { call } = await import('@orpc/server');
    await expect(call(router.early, { id: '1' }, { context: { user: null } })).rejects.toThrow(
      /runs before \.input\(\)/,
    );
    spy.mockRestore();
  });

  it('refuses an event iterator with a ConfigurationError, closing it', async () => {
    const { router } = app();
    const { call } = await import('@orpc/server');
    const error = await call(router.events, undefined, { context: { user: null } }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(String(error.message)).toMatch(/event iterator/);
  });

  it('never stores a response setting a cookie (ResponseHeadersPlugin), in either plugin order', async () => {
    for (const plugins of [
      [new CachePlugin(), new ResponseHeadersPlugin()],
      [new ResponseHeadersPlugin(), new CachePlugin()],
    ]) {
      const { router, runs } = app();
      const { client: orpc, responses } = client(await serve(router, plugins));
      vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      await orpc.cookie();
      await orpc.cookie();
      expect(runs.cookie).toBe(2);
      expect(responses[1]?.headers.get('x-cache')).toBe('BYPASS');
      expect(responses[1]?.headers.get('set-cookie')).toBe('session=1');
      expect(responses[1]?.headers.get('cache-control')).toMatch(/no-store/);
    }
  });

  it('gives each call of a batch its own cache headers, and never a 304', async () => {
    const { router, runs } = app();
    const url = await serve(router, [new CachePlugin(), new BatchHandlerPlugin()]);
    const { client: orpc, responses } = client(url, { batch: true });
    await Promise.all([orpc.post({ id: '1' }), orpc.post({ id: '2' })]);
    const [first, second] = await Promise.all([orpc.post({ id: '1' }), orpc.post({ id: '3' })]);
    expect(first).toMatchObject({ id: '1', run: 1 });
    expect(second).toMatchObject({ id: '3' });
    expect(runs.post).toBe(3);
    const items = (await responses[1]?.json()) as {
      index: number;
      status: number;
      headers: Record<string, string>;
    }[];
    const byIndex = items.sort((a, b) => a.index - b.index);
    expect(byIndex.map((item) => item.headers['x-cache'])).toEqual(['HIT', 'MISS']);
    expect(byIndex[0]?.headers.etag).toMatch(/^"/);

    // The batch's If-None-Match is no call's: a matching tag still gets the full answer.
    const etag = byIndex[0]?.headers.etag ?? '';
    const conditional = createORPCClient<Client>(
      new RPCLink({
        url,
        method: () => 'GET',
        headers: { 'if-none-match': etag },
        plugins: [
          new BatchLinkPlugin({
            mode: 'buffered',
            groups: [{ condition: () => true, context: {} }],
          }),
        ],
      }),
    );
    const again = await Promise.all([conditional.post({ id: '1' }), conditional.post({ id: '2' })]);
    expect(again[0]).toMatchObject({ id: '1', run: 1 });
  });

  it('serves a call without the plugin uncached over HTTP, warning once', async () => {
    const { router, runs } = app();
    const { client: orpc, responses } = client(await serve(router, []));
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await orpc.post({ id: '1' });
    await orpc.post({ id: '1' });
    expect(runs.post).toBe(2);
    expect(responses[1]?.headers.get('x-cache')).toBeNull();
    const codes = emit.mock.calls.map(([, options]) => (options as { code?: string }).code);
    expect(codes.filter((code) => code === 'ROUTECACHE_NO_CACHE_CONTEXT')).toHaveLength(1);
  });

  it('routeKeys: typed keys equal the middleware key; unknown paths and bad inputs are refused', async () => {
    const { router, cache } = app();
    const { keys, invalidate } = routeKeys(router);
    const key = await keys.post({ id: '1' });
    expect(key).toBe(await keys.post({ id: '1', lang: 'en' }));
    expect(key).toBe(
      cache.keyFor({ route: 'post', input: { id: '1', lang: 'en' }, namespace: undefined }),
    );
    expect(await invalidate.post({ id: '1' })).toBe(0);
    await expect(
      (keys as unknown as Record<string, (input: unknown) => Promise<string>>).nothing?.({}),
    ).rejects.toThrow(/not a cached procedure/);
    await expect(keys.post({ id: 1 } as never)).rejects.toThrow(/fails its input schema/);
  });
});
