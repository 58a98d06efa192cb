/**
 * cacheMiddleware behaviour over real HTTP with the real tRPC client: resolver call counts,
 * keys (parsed input, custom key, namespaces), auth before the cache, private scope, errors,
 * invalidation, configuration errors and fail-open on a broken store.
 */
import {
  type Cache,
  type CacheStore,
  ConfigurationError,
  createCache,
  memoryStore,
} from '@routecache/core';
import { getCachedRoute, listCachedRoutes } from '@routecache/trpc';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_ADAPTERS, startTrpcServer, type TrpcTestServer } from '../support/trpc-server.js';
import { type AppRouter, buildApp, inputQuery } from './fixtures.js';

describe.each(HTTP_ADAPTERS)('cacheMiddleware over HTTP (%s adapter)', (kind) => {
  let server: TrpcTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(cache?: Cache) {
    const app = buildApp(cache);
    server = await startTrpcServer(kind, app.router);
    const url = server.url;
    const client = (user?: string, batch = false) => {
      const headers = () => (user === undefined ? {} : { 'x-user': user });
      return createTRPCClient<AppRouter>({
        links: [batch ? httpBatchLink({ url, headers }) : httpLink({ url, headers })],
      });
    };
    return { ...app, server, url, client };
  }

  it('runs the resolver once for repeated calls (httpLink and httpBatchLink)', async () => {
    const { client, counters } = await start();
    const first = await client().post.get.query({ id: '1' });
    expect(first).toEqual({ id: '1', run: 1 });
    expect(await client().post.get.query({ id: '1' })).toEqual(first);
    const batched = await Promise.all([
      client(undefined, true).post.get.query({ id: '1' }),
      client(undefined, true).post.get.query({ id: '2' }),
    ]);
    expect(batched).toEqual([first, { id: '2', run: 2 }]);
    expect(counters['post.get']).toBe(2);
  });

  it('keys by the parsed input: key order and undeclared fields share one entry', async () => {
    const { url, counters } = await start();
    const statuses: (string | null)[] = [];
    for (const input of [
      { id: '1', lang: 'en' },
      { lang: 'en', id: '1' },
      { lang: 'en', junk: 'x', id: '1' },
    ]) {
      const response = await fetch(`${url}/post.get?${inputQuery(input)}`);
      statuses.push(response.headers.get('x-cache'));
      expect(await response.json()).toEqual({
        result: { data: { id: '1', lang: 'en', run: 1 } },
      });
    }
    expect(statuses).toEqual(['MISS', 'HIT', 'HIT']);
    expect((await fetch(`${url}/post.get?${inputQuery({ id: 1 })}`)).status).toBe(400);
    expect(counters['post.get']).toBe(1);
  });

  it('uses a custom key function (and exposes it to getCachedRoute)', async () => {
    const { client, counters, router } = await start();
    expect(await client().post.byCustomKey.query({ id: '1', page: 1 })).toEqual({
      id: '1',
      page: 1,
      run: 1,
    });
    // The custom key ignores `page`: the second page is the first page's entry.
    expect(await client().post.byCustomKey.query({ id: '1', page: 2 })).toEqual({
      id: '1',
      page: 1,
      run: 1,
    });
    expect(counters['post.byCustomKey']).toBe(1);
    const route = getCachedRoute(router, 'post.byCustomKey');
    expect(route?.baseKey({ id: '1', page: 9 })).toBe(route?.baseKey({ id: '1', page: 1 }));
    expect(await route?.invalidate({ id: '1', page: 5 })).toBe(1);
  });

  it.each([
    ['concat', 'app:blog|'],
    ['replace', 'blog|'],
  ] as const)('combines a route namespace by the %s policy', async (namespacePolicy, prefix) => {
    const cache = createCache({ store: memoryStore(), namespace: 'app', namespacePolicy });
    const stored: string[] = [];
    cache.on('stored', ({ baseKey }) => stored.push(baseKey));
    const { client, router } = await start(cache);
    await client().post.inBlog.query({ id: '1' });
    await client().post.get.query({ id: '1' });
    const inBlog = getCachedRoute(router, 'post.inBlog')?.baseKey({ id: '1' });
    expect(inBlog?.startsWith(prefix)).toBe(true);
    expect(getCachedRoute(router, 'post.get')?.baseKey({ id: '1' }).startsWith('app|')).toBe(true);
    expect(stored).toEqual([inBlog, getCachedRoute(router, 'post.get')?.baseKey({ id: '1' })]);
  });

  it('runs the auth middleware before the cache: a warm entry never reaches an anonymous caller', async () => {
    const { client, counters } = await start();
    expect(await client('alice').secret.query()).toEqual({ secret: 42, run: 1 });
    const rejected = await client()
      .secret.query()
      .catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(TRPCClientError);
    expect((rejected as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    expect(await client('bob').secret.query()).toEqual({ secret: 42, run: 1 });
    expect(counters.secret).toBe(1);
  });

  it("keeps private entries per principal and never serves user A's entry to user B", async () => {
    const cache = createCache({ store: memoryStore() });
    const keys: string[] = [];
    cache.on('stored', ({ key }) => keys.push(key));
    const { client, counters } = await start(cache);
    expect(await client('alice').me.query()).toEqual({ user: 'alice', run: 1 });
    expect(await client('bob').me.query()).toEqual({ user: 'bob', run: 2 });
    expect(await client('alice').me.query()).toEqual({ user: 'alice', run: 1 });
    expect(await client('bob').me.query()).toEqual({ user: 'bob', run: 2 });
    expect(counters.me).toBe(2);
    // Principals are hashed into the variant, never stored raw.
    expect(keys).toHaveLength(2);
    expect(keys.some((key) => key.includes('alice') || key.includes('bob'))).toBe(false);
  });

  it('never caches errors', async () => {
    const { client, counters } = await start();
    for (let call = 0; call < 2; call++) {
      const error = await client()
        .fails.query()
        .catch((caught: unknown) => caught);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
    }
    expect(counters.fails).toBe(2);
  });

  it('shares one resolver run between concurrent misses (single-flight)', async () => {
    const { client, counters, cache, releaseGate } = await start();
    let coalesced = 0;
    const allWaiting = new Promise<void>((resolve) => {
      cache.on('coalesced', () => {
        if (++coalesced === 4) resolve();
      });
    });
    const calls = Array.from({ length: 5 }, () => client().gated.query());
    await allWaiting;
    releaseGate();
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 5 }, () => ({ run: 1 })));
    expect(counters.gated).toBe(1);
  });

  it('invalidates from a mutation: 1 then 0, and the next call is a MISS', async () => {
    const { client, url, counters } = await start();
    await client().post.get.query({ id: '1' });
    expect(await client().post.update.mutate({ id: '1' })).toBe(1);
    expect(await client().post.update.mutate({ id: '1' })).toBe(0);
    const next = await fetch(`${url}/post.get?${inputQuery({ id: '1' })}`);
    expect(next.headers.get('x-cache')).toBe('MISS');
    expect(counters['post.get']).toBe(2);
  });

  it('refuses a cache middleware on a mutation with a ConfigurationError', async () => {
    const { client, counters, server } = await start();
    const error = await client()
      .cachedMutation.mutate()
      .catch((caught: unknown) => caught);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('INTERNAL_SERVER_ERROR');
    const cause = (server.errors[0] as Error).cause;
    expect(cause).toBeInstanceOf(ConfigurationError);
    expect((cause as ConfigurationError).code).toBe('ROUTECACHE_CONFIGURATION');
    expect(counters.cachedMutation).toBeUndefined();
  });

  it('refuses a cache middleware placed before .input() when input arrives', async () => {
    const { client, counters, server } = await start();
    await expect(client().beforeInput.query({ id: '1' })).rejects.toThrow();
    expect(((server.errors[0] as Error).cause as Error).message).toMatch(/before \.input\(\)/);
    expect(counters.beforeInput).toBeUndefined();
  });

  it('fails open: a broken store never fails the call nor runs the resolver twice', async () => {
    const broken: CacheStore = {
      ...memoryStore(),
      name: 'broken',
      get: () => Promise.reject(new Error('down')),
      fence: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
    };
    const cache = createCache({ store: broken });
    const storeErrors: string[] = [];
    cache.on('storeError', ({ operation }) => storeErrors.push(operation));
    const { url, counters } = await start(cache);
    const response = await fetch(`${url}/post.get?${inputQuery({ id: '1' })}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(await response.json()).toEqual({ result: { data: { id: '1', run: 1 } } });
    expect(counters['post.get']).toBe(1);
    expect(storeErrors.length).toBeGreaterThan(0);
  });

  it('lists the cached procedures of a router with their static tags', async () => {
    const { router } = await start();
    const routes = listCachedRoutes(router);
    expect(routes.map((route) => route.path)).toContain('post.get');
    expect(routes.map((route) => route.path)).not.toContain('uncached');
    expect(getCachedRoute(router, 'post.get')?.options.tags).toEqual(['posts']);
    expect(getCachedRoute(router, 'uncached')).toBeUndefined();
  });
});
