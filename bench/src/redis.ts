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
import { redisBus } from '@routecache/core/redis';
import { compare, type Row } from './harness.js';
import { IN_FLIGHT, parallel, redisHitArms } from './redis-arms.js';

/** Run the Redis sections; returns their rows. */
export async function runRedisBench(): Promise<Row[]> {
  const arms = await redisHitArms();
  const { store, baseKey, load } = arms;
  const bus = redisBus({ connection: arms.connection });
  try {
    const rows: Row[] = [];
    rows.push(
      ...(await compare({
        title: 'redis hit, sequential (ratio = time vs raw GET of the same entry; target ≤ 1.10)',
        baseline: { name: 'raw ioredis getBuffer', fn: arms.raw },
        contenders: [
          { name: 'routecache getOrLoad', fn: arms.getOrLoad },
          { name: 'redisStore.get (GET + decode)', fn: arms.storeGet },
          { name: 'redisStore.get, no decode memo', fn: arms.decodingGet },
        ],
        batch: 200,
        rounds: 21,
      })),
      ...(await compare({
        title: `redis hit, ${IN_FLIGHT} in flight (ratio = time vs raw GET of the same entry; target ≤ 1.15)`,
        baseline: { name: 'raw ioredis getBuffer', fn: parallel(arms.raw) },
        contenders: [
          { name: 'routecache getOrLoad', fn: parallel(arms.getOrLoad) },
          { name: 'redisStore.get (GET + decode)', fn: parallel(arms.storeGet) },
          { name: 'redisStore.get, no decode memo', fn: parallel(arms.decodingGet) },
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
    await bus.dispose?.();
    await arms.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runRedisBench();
}
