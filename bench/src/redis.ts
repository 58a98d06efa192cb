/**
 * Redis store and tiered store, side by side (issue 3), on a redis-server this module starts on a
 * free loopback port and stops:
 *
 * - redis hit: `redisStore.get` (one GET + envelope decode, memoized by bytes), the same with the
 *   decode memo off (a codec run per hit), and the engine's `getOrLoad` over it, against raw
 *   ioredis `getBuffer` of the same payload bytes — sequential (latency) and 16 in flight
 *   (throughput). Target: store ≥ 0.8× raw, i.e. ratio ≤ 1.25.
 * - tiered L1 hit: `getOrLoad` over `tieredStore({ l1: memoryStore(), l2: redisStore(), bus })`
 *   against `getOrLoad` over `memoryStore()`. Target ≥ 0.9×, i.e. ratio ≤ 1.11.
 *
 * Run alone: `cd bench && pnpm exec tsx --conditions=source src/redis.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createCache, defaultCodec, memoryStore, tieredStore } from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
import { testEntry } from '@routecache/core/testing';
import { Redis } from 'ioredis';
import { startRedis } from '../../test/support/redis-server.js';
import { compare, type Row } from './harness.js';

const value = {
  id: 42,
  name: 'Ada',
  createdAt: new Date(0),
  teams: Array.from({ length: 10 }, (_, i) => ({ id: i, name: `team ${i}`, members: [1, 2, 3] })),
};
const IN_FLIGHT = 16;

const parallel = (fn: () => Promise<unknown>) => () =>
  Promise.all(Array.from({ length: IN_FLIGHT }, fn));

/** Run the Redis sections; returns their rows. */
export async function runRedisBench(): Promise<Row[]> {
  const server = await startRedis();
  const connection = { host: server.host, port: server.port };
  const raw = new Redis({ ...connection, enableOfflineQueue: false });
  const store = redisStore({ connection, timeout: 1_000 });
  // The same store without the decode memo: every hit runs the codec (shows what the memo saves).
  const decoding = redisStore({ connection, timeout: 1_000, decodeMemoBytes: 0 });
  const bus = redisBus({ connection });
  try {
    await new Promise((resolve) => raw.once('ready', resolve));
    await Promise.all([store.ready(), decoding.ready()]);
    const rows: Row[] = [];

    // The same payload bytes: raw GETs the codec's bytes, the store GETs its envelope of them.
    const address = {
      key: 'bench|users.get|{"id":42}',
      baseKey: 'bench|users.get|{"id":42}',
      tags: [],
    };
    const entry = testEntry(value, { freshMs: 3_600_000 });
    await store.set(address, entry, await store.fence(address));
    await raw.set('raw:payload', Buffer.from(defaultCodec.encode(value)));
    const redisCache = createCache({ store, ttl: 3600, storeTimeout: 1_000 });
    const load = async () => value;
    const baseKey = redisCache.keyFor({ route: 'users.get', input: { id: 42 } });
    await redisCache.getOrLoad({ baseKey, load });

    const rawGet = () => raw.getBuffer('raw:payload');
    const storeGet = () => Promise.resolve(store.get(address.key));
    const decodingGet = () => Promise.resolve(decoding.get(address.key));
    const cacheGet = () => redisCache.getOrLoad({ baseKey, load });
    rows.push(
      ...(await compare({
        title: 'redis hit, sequential (ratio = time vs raw GET; ≤ 1.25 meets ≥ 0.8× throughput)',
        baseline: { name: 'ioredis getBuffer (raw bytes)', fn: rawGet },
        contenders: [
          { name: 'redisStore.get (GET + decode)', fn: storeGet },
          { name: 'redisStore.get, no decode memo', fn: decodingGet },
          { name: 'getOrLoad over redisStore', fn: cacheGet },
        ],
        batch: 200,
        rounds: 21,
      })),
      ...(await compare({
        title: `redis hit, ${IN_FLIGHT} in flight (ratio = time vs raw GET)`,
        baseline: { name: 'ioredis getBuffer (raw bytes)', fn: parallel(rawGet) },
        contenders: [
          { name: 'redisStore.get (GET + decode)', fn: parallel(storeGet) },
          { name: 'redisStore.get, no decode memo', fn: parallel(decodingGet) },
          { name: 'getOrLoad over redisStore', fn: parallel(cacheGet) },
        ],
        batch: 50,
        rounds: 21,
      })),
    );

    const memoryCache = createCache({ store: memoryStore(), ttl: 3600 });
    const tieredCache = createCache({
      store: tieredStore({ l1: memoryStore(), l2: store, bus }),
      ttl: 3600,
      storeTimeout: 1_000,
    });
    await memoryCache.getOrLoad({ baseKey, load });
    await tieredCache.getOrLoad({ baseKey, load });
    rows.push(
      ...(await compare({
        title: 'tiered L1 hit vs memory store (ratio ≤ 1.11 meets ≥ 0.9×)',
        baseline: {
          name: 'getOrLoad over memoryStore',
          fn: () => memoryCache.getOrLoad({ baseKey, load }),
        },
        contenders: [
          {
            name: 'getOrLoad over tieredStore (L1 hit)',
            fn: () => tieredCache.getOrLoad({ baseKey, load }),
          },
        ],
      })),
    );
    return rows;
  } finally {
    raw.disconnect();
    await bus.dispose?.();
    await store.dispose();
    await decoding.dispose();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runRedisBench();
}
