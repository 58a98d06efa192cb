/**
 * The Redis hit arms shared by the redis section and the callgrind probe, in a module of their
 * own (like engine-arms.ts and http-arms.ts): redis.ts runs its section when it is the entry
 * point, which a bundled probe would be too.
 */
import { createCache } from '@routecache/core';
import { redisStore } from '@routecache/core/redis';
import { Redis } from 'ioredis';
import { startRedis } from '../../test/support/redis-server.js';

const value = {
  id: 42,
  name: 'Ada',
  createdAt: new Date(0),
  teams: Array.from({ length: 10 }, (_, i) => ({ id: i, name: `team ${i}`, members: [1, 2, 3] })),
};
/** Calls in flight at once in the `in flight` section (and the probe's redis arms). */
export const IN_FLIGHT = 16;
const PREFIX = 'bench:';

/** `fn` called {@link IN_FLIGHT} times at once: one promise of all their answers. */
export const parallel = (fn: () => Promise<unknown>) => () =>
  Promise.all(Array.from({ length: IN_FLIGHT }, fn));

/** The one entry key routecache wrote under {@link PREFIX} (the server is this bench's own). */
async function entryKey(raw: Redis): Promise<string> {
  const keys = await raw.keys(`${PREFIX}{*}e:*`);
  if (keys.length !== 1 || keys[0] === undefined) {
    throw new Error(`expected one routecache entry in Redis, found ${keys.length}`);
  }
  return keys[0];
}

/**
 * A redis-server of its own on a free loopback port, one routecache entry filled in it, and the
 * hit arms over it (shared by the bench and the callgrind probe): `raw` (ioredis `getBuffer` of
 * routecache's own entry: the same key, the same bytes), `getOrLoad` (the engine over
 * `redisStore`), `storeGet` (`redisStore.get` alone) and `decodingGet` (the same without the
 * decode memo). `stop()` closes the clients and the server. `timeoutMs` is the stores' and the
 * engine's budget per call (the probe gives valgrind's slow-motion run more).
 *
 * @example
 * ```ts
 * const arms = await redisHitArms();
 * await parallel(arms.getOrLoad)();
 * await arms.stop();
 * ```
 */
export async function redisHitArms(timeoutMs = 1_000) {
  const server = await startRedis();
  const connection = { host: server.host, port: server.port };
  const raw = new Redis({ ...connection, enableOfflineQueue: false });
  const store = redisStore({ connection, prefix: PREFIX, timeout: timeoutMs });
  // The same store without the decode memo: every hit runs the codec (shows what the memo saves).
  const decoding = redisStore({
    connection,
    prefix: PREFIX,
    timeout: timeoutMs,
    decodeMemoBytes: 0,
  });
  const stop = async () => {
    raw.disconnect();
    await store.dispose();
    await decoding.dispose();
    await server.stop();
  };
  try {
    await new Promise((resolve) => raw.once('ready', resolve));
    await Promise.all([store.ready(), decoding.ready()]);
    const cache = createCache({ store, ttl: 3600, storeTimeout: timeoutMs });
    const load = async () => value;
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 42 } });
    const filled = await cache.getOrLoad({ baseKey, load });
    if (filled.status !== 'MISS')
      throw new Error(`expected the first call to fill, got ${filled.status}`);
    const hit = await cache.getOrLoad({ baseKey, load });
    if (hit.status !== 'HIT') throw new Error(`expected a Redis hit, got ${hit.status}`);
    const key = await entryKey(raw);
    return {
      connection,
      store,
      baseKey,
      load,
      raw: () => raw.getBuffer(key),
      getOrLoad: () => cache.getOrLoad({ baseKey, load }),
      // The storage key of a lookup without variant is its base key.
      storeGet: () => Promise.resolve(store.get(baseKey)),
      decodingGet: () => Promise.resolve(decoding.get(baseKey)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
