import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache as createCacheManager } from 'cache-manager';
import { KeyvCacheableMemory } from 'cacheable';
import { Keyv } from 'keyv';
import {
  engineHitArms,
  FLOOR_IN_PROMISE,
  ENGINE_INPUT as input,
  ENGINE_ROUTE as route,
  ENGINE_VALUE as value,
} from './engine-arms.js';
import { compare, type Row } from './harness.js';

/** Run the engine section; returns its rows (ratios relative to `lru.get(JSON.stringify(key))`). */
export async function runEngineBench(): Promise<Row[]> {
  const { cache, load, floor, floorInPromise, getOrLoad } = await engineHitArms(
    route,
    input,
    value,
  );
  const callLoad = async () => ({ ok: true as const, value });
  const callRequest = () => ({ route, input, load: callLoad });

  const bento = new BentoCache({
    default: 'memory',
    stores: {
      memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000, serialize: false })),
    },
  });
  const bentoKey = () => `${route}:${JSON.stringify(input)}`;
  await bento.getOrSet({ key: bentoKey(), factory: load, ttl: '1h' });

  // cache-manager 7 as its README sets it up (Keyv over cacheable's memory store), holding the
  // live value: Keyv's serialization off (serialize/deserialize undefined, as Keyv documents)
  // and cacheable's clone-on-get off (useClone: false).
  const keyv = new Keyv({
    store: new KeyvCacheableMemory({ ttl: 3_600_000, lruSize: 10_000, useClone: false }),
  });
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  const manager = createCacheManager({ stores: [keyv] });
  await manager.wrap(bentoKey(), load, 3_600_000);

  const rows = await compare({
    title: 'engine hit path (memory, live values; key derivation included)',
    baseline: {
      name: 'lru-cache get + JSON.stringify key',
      fn: floor,
    },
    contenders: [
      { name: 'routecache getOrLoad', fn: getOrLoad },
      { name: FLOOR_IN_PROMISE, fn: floorInPromise },
      // The adapter's path: key parts in, one engine call.
      { name: 'routecache call', fn: () => cache.call(callRequest()) },
      {
        name: 'bentocache getOrSet',
        fn: () => bento.getOrSet({ key: bentoKey(), factory: load, ttl: '1h' }),
      },
      { name: 'cache-manager wrap (await)', fn: () => manager.wrap(bentoKey(), load, 3_600_000) },
    ],
  });
  await bento.disconnect();
  await manager.disconnect();
  await cache.dispose();
  return rows;
}
