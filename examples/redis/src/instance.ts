/**
 * One app instance: a tiered cache (L1 in memory, L2 in Redis, a Redis pub/sub bus between the
 * instances' L1s) behind its own HTTP server.
 */
import type { AddressInfo } from 'node:net';
import { type CacheStore, createCache, memoryStore, tieredStore } from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { createAppRouter } from './router.js';

/** A running instance. */
export interface Instance {
  name: string;
  /** Its tRPC endpoint, e.g. `http://127.0.0.1:41234/trpc`. */
  url: string;
  /** Its in-memory L1, to look inside (the demo checks what it holds). */
  l1: CacheStore;
  /** The base key of `products.get({ id })`, as its cache middleware computes it. */
  keyOf(id: number): string;
  close(): Promise<void>;
}

/**
 * Start instance `name` on a free loopback port, sharing the Redis at `redis`. Resolves once its
 * Redis connection is ready and its bus subscription is live (so it hears every invalidation).
 *
 * @example
 * ```ts
 * const a = await startInstance('A', { host: '127.0.0.1', port: 6380 });
 * await fetch(`${a.url}/products.get?input=${encodeURIComponent('{"id":1}')}`);
 * await a.close();
 * ```
 */
export async function startInstance(
  name: string,
  redis: { host: string; port: number },
): Promise<Instance> {
  const connection = { host: redis.host, port: redis.port };
  const l1 = memoryStore({ maxBytes: 16 * 1024 * 1024 });
  const l2 = redisStore({ connection, prefix: 'shop:' });
  const bus = redisBus({ connection, channel: 'shop:bus' });
  const cache = createCache({ store: tieredStore({ l1, l2, bus }), namespace: 'shop', ttl: 300 });
  const { router, productCache } = createAppRouter(cache, name);
  // Serve only once Redis answers and the bus hears invalidations from the other instances.
  await Promise.all([l2.ready(), bus.ready()]);

  const server = createCachedHTTPServer({ router, basePath: '/trpc/' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`,
    l1,
    keyOf: (id) => productCache.keyFor('products.get', { id }),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await cache.dispose();
    },
  };
}
