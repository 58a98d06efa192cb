/**
 * Cached values keep their types through a router transformer (superjson): the engine stores the
 * resolver's raw output and the transformer runs after it, on the memory store (live values) and
 * on a codec-backed store (a real redis-server: bytes out of process, decoded on a hit).
 */
import { type CacheStore, createCache, memoryStore } from '@routecache/core';
import { redisStore } from '@routecache/core/redis';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';
import { startTrpcServer, type TestContext } from '../support/trpc-server.js';

function buildTypedApp(store: CacheStore) {
  const cache = createCache({ store });
  const cacheMiddleware = createCacheMiddleware(cache);
  const t = initTRPC.context<TestContext>().create({ transformer: superjson });
  let runs = 0;
  const router = t.router({
    typed: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => {
      runs++;
      return {
        when: new Date('2026-01-02T03:04:05.000Z'),
        ids: new Set(['a', 'b']),
        byId: new Map([['a', 1n]]),
        missing: undefined,
      };
    }),
  });
  return { cache, router, runs: () => runs };
}

const expected = {
  when: new Date('2026-01-02T03:04:05.000Z'),
  ids: new Set(['a', 'b']),
  byId: new Map([['a', 1n]]),
  missing: undefined,
};

let redis: RedisServer | undefined;
beforeAll(async () => {
  if (redisAvailable()) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

// Each factory resolves once its store is connected: a call racing the initial connect would be
// a fail-open miss, and the test's single resolver run would not hold on a busy machine.
const stores: [string, () => Promise<CacheStore>][] = [
  ['memory store', async () => memoryStore()],
  [
    'redis store (codec)',
    async () => {
      if (redis === undefined) throw new Error('redis-server is not installed');
      const store = redisStore({
        connection: `redis://${redis.host}:${redis.port}`,
        prefix: `t${Date.now()}:`,
      });
      await store.ready();
      return store;
    },
  ],
];

describe.each(stores)('superjson transformer on the %s', (_name, makeStore) => {
  it.each(['standalone', 'fetch'] as const)(
    'round-trips types through a hit (%s)',
    async (kind) => {
      const store = await makeStore();
      const app = buildTypedApp(store);
      const server = await startTrpcServer(kind, app.router);
      try {
        for (const link of [httpLink, httpBatchLink]) {
          const client = createTRPCClient<typeof app.router>({
            links: [link({ url: server.url, transformer: superjson })],
          });
          expect(await client.typed.query()).toEqual(expected);
          const hit = await client.typed.query();
          expect(hit).toEqual(expected);
          expect(hit.when).toBeInstanceOf(Date);
          expect(hit.byId.get('a')).toBe(1n);
        }
        expect(app.runs()).toBe(1);
        const raw = await fetch(`${server.url}/typed`);
        expect(raw.headers.get('x-cache')).toBe('HIT');
      } finally {
        await server.close();
        await app.cache.dispose();
      }
    },
  );
});
