/**
 * Redis store and tiered store, side by side (issues 3 and 13), on a redis-server this module
 * starts on a free loopback port and stops:
 *
 * - `redis hit, sequential` and `redis hit, 16 in flight`: the engine's `getOrLoad` over
 *   `redisStore` (row `routecache getOrLoad`), `redisStore.get` alone (one GET + envelope decode,
 *   memoized by bytes) and the same with the decode memo off (a codec run per hit), against
 *   `raw ioredis getBuffer` of routecache's own stored entry (the same key, the same bytes).
 *   Targets (issue 13): getOrLoad ≤ 1.10× raw sequential, ≤ 1.15× with 16 in flight.
 * - tiered L1 hit: `getOrLoad` over `tieredStore({ l1: memoryStore(), l2: redisStore(), bus })`
 *   against `getOrLoad` over `memoryStore()`. Target ≥ 0.9×, i.e. ratio ≤ 1.11.
 *
 * Bounded: fixed batches and rounds (about 20 s on an idle 2-core machine).
 * Run alone: `cd bench && pnpm exec tsx --conditions=source src/redis.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createCache, memoryStore, tieredStore } from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
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
const PREFIX = 'bench:';

const parallel = (fn: () => Promise<unknown>) => () =>
  Promise.all(Array.from({ length: IN_FLIGHT }, fn));

/** The one entry key routecache wrote under {@link PREFIX} (the server is this bench's own). */
async function entryKey(raw: Redis): Promise<string> {
  const keys = await raw.keys(`${PREFIX}{*}e:*`);
  if (keys.length !== 1 || keys[0] === undefined) {
    throw new Error(`expected one routecache entry in Redis, found ${keys.length}`);
  }
  return keys[0];
}

/** Run the Redis sections; returns their rows. */
export async function runRedisBench(): Promise<Row[]> {
  const server = await startRedis();
  const connection = { host: server.host, port: server.port };
  const raw = new Redis({ ...connection, enableOfflineQueue: false });
  const store = redisStore({ connection, prefix: PREFIX, timeout: 1_000 });
  // The same store without the decode memo: every hit runs the codec (shows what the memo saves).
  const decoding = redisStore({ connection, prefix: PREFIX, timeout: 1_000, decodeMemoBytes: 0 });
  const bus = redisBus({ connection });
  try {
    await new Promise((resolve) => raw.once('ready', resolve));
    await Promise.all([store.ready(), decoding.ready()]);
    const rows: Row[] = [];

    const redisCache = createCache({ store, ttl: 3600, storeTimeout: 1_000 });
    const load = async () => value;
    const baseKey = redisCache.keyFor({ route: 'users.get', input: { id: 42 } });
    const filled = await redisCache.getOrLoad({ baseKey, load });
    if (filled.status !== 'MISS')
      throw new Error(`expected the first call to fill, got ${filled.status}`);
    const hit = await redisCache.getOrLoad({ baseKey, load });
    if (hit.status !== 'HIT') throw new Error(`expected a Redis hit, got ${hit.status}`);
    // Raw reads routecache's own entry: the same key, the same envelope bytes.
    const key = await entryKey(raw);

    const rawGet = () => raw.getBuffer(key);
    // The storage key of a lookup without variant is its base key.
    const storeGet = () => Promise.resolve(store.get(baseKey));
    const decodingGet = () => Promise.resolve(decoding.get(baseKey));
    const cacheGet = () => redisCache.getOrLoad({ baseKey, load });
    rows.push(
      ...(await compare({
        title: 'redis hit, sequential (ratio = time vs raw GET of the same entry; target ≤ 1.10)',
        baseline: { name: 'raw ioredis getBuffer', fn: rawGet },
        contenders: [
          { name: 'routecache getOrLoad', fn: cacheGet },
          { name: 'redisStore.get (GET + decode)', fn: storeGet },
          { name: 'redisStore.get, no decode memo', fn: decodingGet },
        ],
        batch: 200,
        rounds: 21,
      })),
      ...(await compare({
        title: `redis hit, ${IN_FLIGHT} in flight (ratio = time vs raw GET of the same entry; target ≤ 1.15)`,
        baseline: { name: 'raw ioredis getBuffer', fn: parallel(rawGet) },
        contenders: [
          { name: 'routecache getOrLoad', fn: parallel(cacheGet) },
          { name: 'redisStore.get (GET + decode)', fn: parallel(storeGet) },
          { name: 'redisStore.get, no decode memo', fn: parallel(decodingGet) },
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
