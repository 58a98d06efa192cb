import {
  createCache,
  InvalidOptionError,
  memoryStore,
  RoutecacheError,
  type StoreError,
  tieredStore,
} from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
import { describe, expect, it } from 'vitest';
import { useRedisNode } from '../support/redis-clients.js';
import { freePort, redisAvailable } from '../support/redis-server.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

async function until(check: () => boolean, timeoutMs = 4_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(!redisAvailable())('redisBus.ready()', () => {
  const redis = useRedisNode();

  it('resolves once the subscription is live: a message published right after arrives', async () => {
    const channel = 'routecache:ready';
    const listener = redisBus({ client: redis.client, channel });
    const received: unknown[] = [];
    let reconnects = 0;
    listener.subscribe({
      message: (message) => received.push(message),
      reconnected: () => reconnects++,
    });
    await listener.ready();
    expect(reconnects).toBe(1); // ready settles as the first subscription goes live
    const [, subscribers] = (await redis.observer.pubsub('NUMSUB', channel)) as [string, number];
    expect(Number(subscribers)).toBe(1);

    const publisher = redisBus({ client: redis.client, channel });
    await publisher.publish({ type: 'invalidate', baseKeys: ['k'] });
    const deadline = Date.now() + 2_000;
    while (received.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(received).toEqual([{ type: 'invalidate', baseKeys: ['k'] }]);
    await listener.ready(); // once live, at once
    await Promise.all([listener.dispose(), publisher.dispose()]);
  });

  it('starts the subscriber itself when nothing subscribed yet', async () => {
    const channel = 'routecache:ready-alone';
    const bus = redisBus({ client: redis.client, channel });
    await bus.ready();
    const [, subscribers] = (await redis.observer.pubsub('NUMSUB', channel)) as [string, number];
    expect(Number(subscribers)).toBe(1);
    await bus.dispose();
  });

  it('rejects with a timeout StoreError (cause: the connection error) when Redis is unreachable', async () => {
    const bus = redisBus({
      connection: { host: '127.0.0.1', port: await freePort() },
      readyTimeout: 300,
    });
    const error = (await bus.ready().catch((e: unknown) => e)) as StoreError;
    expect(error).toBeInstanceOf(RoutecacheError);
    expect(error.code).toBe('ROUTECACHE_STORE_TIMEOUT');
    expect(error.message).toMatch(/not subscribed .* within 300 ms/);
    expect(String((error.cause as Error | undefined)?.message)).toMatch(/ECONNREFUSED/);
    await bus.dispose();
  });

  it('rejects when disposed before the subscription was live', async () => {
    const bus = redisBus({ connection: { host: '127.0.0.1', port: await freePort() } });
    const waiting = bus.ready();
    await bus.dispose();
    await expect(waiting).rejects.toMatchObject({ code: 'ROUTECACHE_STORE_UNAVAILABLE' });
  });

  it('rejects an invalid readyTimeout by name', () => {
    expect(() => redisBus({ client: redis.client, readyTimeout: 0 })).toThrow(/readyTimeout/);
  });

  it('rejects an invalid healthCheckInterval or healthCheckTimeout by name', () => {
    for (const [option, value] of [
      ['healthCheckInterval', -1],
      ['healthCheckInterval', Number.NaN],
      ['healthCheckTimeout', 0],
      ['healthCheckTimeout', Number.POSITIVE_INFINITY],
    ] as const) {
      let error: unknown;
      try {
        redisBus({ client: redis.client, [option]: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ code: 'ROUTECACHE_INVALID_OPTION', option });
      expect(String((error as Error).message)).toContain(option);
    }
    // 0 turns the check off; it is no error.
    expect(() => redisBus({ client: redis.client, healthCheckInterval: 0 })).not.toThrow();
  });

  it('declares a blackholed subscriber dead, reconnects it once the path answers, and the tiered store drops its L1', async () => {
    const proxy = await startTcpProxy(redis.server);
    const statuses: [string, StoreError | undefined][] = [];
    const bus = redisBus({
      connection: { host: proxy.host, port: proxy.port }, // only the bus goes through the proxy
      channel: 'routecache:health',
      healthCheckInterval: 100,
      healthCheckTimeout: 100,
      onStatus: (status, error) => statuses.push([status, error]),
    });
    let reconnects = 0;
    bus.subscribe({ message: () => {}, reconnected: () => reconnects++ });
    const l1 = memoryStore();
    const cache = createCache({
      store: tieredStore({ l1, l2: redisStore({ client: redis.client }), bus }),
      ttl: 60,
    });
    await bus.ready();
    expect(reconnects).toBe(1);
    const baseKey = cache.keyFor({ route: 'items.get', input: 1 });
    await cache.getOrLoad({ baseKey, load: async () => 'v1' });
    expect(l1.get(baseKey)).toBeDefined();

    proxy.blackhole(true);
    const silentAt = performance.now();
    await until(() => statuses.length > 0);
    const detectMs = performance.now() - silentAt;
    // One interval plus one PING budget, with slack for a loaded 2-core box.
    expect(detectMs).toBeLessThan(100 + 100 + 400);
    const [status, error] = statuses[0] ?? [];
    expect(status).toBe('down');
    expect(error).toMatchObject({
      code: 'ROUTECACHE_STORE_TIMEOUT',
      context: { store: 'redis-bus', operation: 'health check' },
    });
    expect(reconnects).toBe(1); // nothing resubscribed while the path is silent

    proxy.blackhole(false);
    const healedAt = performance.now();
    await until(() => reconnects === 2);
    // Resubscribed promptly once the path answers (ioredis' first retries are 50–100 ms apart).
    expect(performance.now() - healedAt).toBeLessThan(1_500);
    // The copy filled before the outage is gone: it may have missed an invalidation.
    expect(l1.get(baseKey)).toBeUndefined();
    // Once per outage: one 'down', then one 'up' when a PING is answered again.
    await until(() => statuses.length === 2);
    expect(statuses.map(([s]) => s)).toEqual(['down', 'up']);
    await cache.dispose();
    await bus.dispose();
    await proxy.close();
  });
});
