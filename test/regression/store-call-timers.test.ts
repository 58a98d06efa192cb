/**
 * Regression (issue 14): every Redis call ran under two timers — the Redis guard's budget
 * (`timeout`, 40 ms by default) and, around it, the engine's `storeTimeout` (50 ms). A store that
 * bounds its own calls (`boundsCalls`) now gets no engine timer: one timer per call, and its
 * failures still fail open.
 */
import { createCache } from '@routecache/core';
import { redisStore } from '@routecache/core/redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

/** Distinct budgets, so each timer can be told apart by its delay. */
const REDIS_TIMEOUT_MS = 987;
const STORE_TIMEOUT_MS = 1234;

describe.skipIf(!redisAvailable())('store call timers', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sets one timer per Redis call: the guard’s, never the engine’s around it', async () => {
    const store = redisStore({
      connection: { host: server.host, port: server.port },
      timeout: REDIS_TIMEOUT_MS,
    });
    await store.ready();
    const cache = createCache({ store, storeTimeout: STORE_TIMEOUT_MS });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const request = {
        route: 'timers',
        input: 1,
        load: async () => ({ ok: true as const, value: 'v' }),
      };
      expect(await cache.call(request)).toMatchObject({ outcome: 'served', status: 'MISS' });
      expect(await cache.call(request)).toMatchObject({ outcome: 'served', status: 'HIT' });
      const delays = timers.mock.calls.map((call) => call[1]);
      expect(delays).toContain(REDIS_TIMEOUT_MS);
      expect(delays).not.toContain(STORE_TIMEOUT_MS);
    } finally {
      timers.mockRestore();
      await cache.dispose();
    }
  });

  it('still fails open: a call to a Redis that stopped is a miss, served by the loader', async () => {
    const stopped = await startRedis();
    const store = redisStore({
      connection: { host: stopped.host, port: stopped.port },
      timeout: REDIS_TIMEOUT_MS,
    });
    await store.ready();
    await stopped.stop();
    const cache = createCache({ store, storeTimeout: STORE_TIMEOUT_MS });
    cache.on('storeError', () => {});
    let loads = 0;
    const request = { route: 'down', load: async () => ({ ok: true as const, value: ++loads }) };
    expect(await cache.call(request)).toMatchObject({ outcome: 'served', value: 1 });
    expect(await cache.call(request)).toMatchObject({ outcome: 'served', value: 2 });
    await cache.dispose();
  });
});
