import { RoutecacheError, type StoreError } from '@routecache/core';
import { redisBus } from '@routecache/core/redis';
import { describe, expect, it } from 'vitest';
import { useRedisNode } from '../support/redis-clients.js';
import { freePort, redisAvailable } from '../support/redis-server.js';

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
});
