import { createCache } from '@routecache/core';
import { redisStore } from '@routecache/core/redis';
import { describe, expect, it } from 'vitest';
import { commandCount, useRedisNode } from '../support/redis-clients.js';
import { redisAvailable } from '../support/redis-server.js';

/** Commands the server ran between two INFO commandstats snapshots (INFO itself excluded). */
function diff(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const ran: Record<string, number> = {};
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta > 0 && command !== 'info') ran[command] = delta;
  }
  return ran;
}

describe.skipIf(!redisAvailable())('redisStore round trips', () => {
  const redis = useRedisNode();

  it('serves a hit with exactly one command (GET)', async () => {
    const cache = createCache({
      store: redisStore({ client: redis.client, timeout: 2_000 }),
      ttl: 60,
    });
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 1 } });
    const request = { baseKey, tags: ['users'], load: async () => ({ id: 1, name: 'Ada' }) };
    expect((await cache.getOrLoad(request)).status).toBe('MISS');

    const before = await commandCount(redis.observer);
    const hit = await cache.getOrLoad(request);
    const after = await commandCount(redis.observer);

    expect(hit).toMatchObject({ status: 'HIT', value: { id: 1, name: 'Ada' } });
    expect(diff(before, after)).toEqual({ get: 1 });
  });

  it('fills with one fence script and one set script (plus one registration per tag)', async () => {
    const cache = createCache({
      store: redisStore({ client: redis.client, timeout: 2_000 }),
      ttl: 60,
    });
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 2 } });
    const before = await commandCount(redis.observer);
    await cache.getOrLoad({ baseKey, tags: ['users'], load: async () => 'v' });
    const after = await commandCount(redis.observer);
    // Client round trips: GET (miss), then EVALSHA ×4: fence = register tag + fence script,
    // set = register tag + set script. (commandstats also counts the commands scripts run.)
    const ran = diff(before, after);
    expect(ran.evalsha).toBe(4);
    expect(ran.eval).toBeUndefined();
  });

  it('sets the entry ttl atomically with the value', async () => {
    const store = redisStore({ client: redis.client, timeout: 2_000 });
    const cache = createCache({ store, ttl: 30 });
    const baseKey = cache.keyFor({ route: 'ttl', input: 1 });
    await cache.getOrLoad({ baseKey, load: async () => 'v' });
    const keys = await redis.observer.keys('rc:*e:*');
    const ttls = await Promise.all(keys.map((key) => redis.observer.pttl(key)));
    expect(ttls.length).toBeGreaterThan(0);
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(0);
    const own = await redis.observer.pttl(keys.find((key) => key.endsWith(baseKey)) ?? '');
    expect(own).toBeGreaterThan(25_000);
    expect(own).toBeLessThanOrEqual(30_000);
  });
});
