import {
  type Cache,
  type CacheStore,
  createCache,
  memoryStore,
  tieredStore,
} from '@routecache/core';
import { type RedisBus, type RedisStore, redisBus, redisStore } from '@routecache/core/redis';
import { drain } from '@routecache/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../support/redis-clients.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

const CHANNEL = 'routecache:multi-instance';

interface Instance {
  cache: Cache;
  l1: CacheStore;
  l2: RedisStore;
  bus: RedisBus;
}

describe.skipIf(!redisAvailable())('several instances sharing one Redis', () => {
  let server: RedisServer;
  let observer: Redis;
  let live: Instance[] = [];
  let run = 0;

  beforeAll(async () => {
    server = await startRedis();
    observer = await connect(server);
  });
  afterEach(async () => {
    await Promise.all(live.map(({ cache }) => cache.dispose()));
    live = [];
  });
  afterAll(async () => {
    observer?.disconnect();
    await server?.stop();
  });

  /** `count` instances, each with its own L1, Redis connections and bus subscriber. */
  async function instances(
    count: number,
    options: { leases?: boolean; leaseTimeout?: number } = {},
  ) {
    const connection = { host: server.host, port: server.port };
    const prefix = `multi${++run}:`;
    const made = Array.from({ length: count }, (): Instance => {
      const l1 = memoryStore();
      // Correctness tests on a loaded box: a budget that never trips the breaker by accident.
      const l2 = redisStore({
        connection,
        prefix,
        timeout: 5_000,
        leases: options.leases ?? false,
      });
      const bus = redisBus({ connection, channel: CHANNEL });
      const cache = createCache({
        store: tieredStore({ l1, l2, bus }),
        ttl: 60,
        storeTimeout: 10_000,
        leaseTimeout: options.leaseTimeout ?? 5_000,
      });
      return { cache, l1, l2, bus };
    });
    live.push(...made);
    // Every bus is subscribed before the test starts invalidating.
    await Promise.all(made.flatMap(({ l2, bus }) => [l2.ready(), bus.ready()]));
    return made;
  }

  it('invalidation on one instance reaches every other L1 (typically in ~2 ms; ceiling 2 s)', async () => {
    const [a, b, c] = (await instances(3)) as [Instance, Instance, Instance];
    const baseKey = a.cache.keyFor({ route: 'users.get', input: { id: 1 } });
    await a.cache.getOrLoad({ baseKey, load: async () => 'v1' });
    // Read on the peers until their L1 holds the copy (an L2 hit fills L1 just after it answers).
    for (const peer of [b, c]) {
      await until(async () => {
        const got = await peer.cache.getOrLoad({ baseKey, load: async () => 'never' });
        expect(got.value).toBe('v1');
        return peer.l1.get(baseKey) !== undefined;
      });
    }

    const started = performance.now();
    expect(await a.cache.invalidate(baseKey)).toBe(1);
    await until(() => b.l1.get(baseKey) === undefined && c.l1.get(baseKey) === undefined, 2_000, 1);
    // A ceiling for a busy 2-core machine, not the expected time (~2 ms on an idle one).
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await c.cache.getOrLoad({ baseKey, load: async () => 'v2' })).value).toBe('v2');
  });

  for (const by of ['base key', 'tag'] as const) {
    it(`an invalidation by ${by} wins against a concurrent fill on another instance`, async () => {
      const [a, b, c] = (await instances(3)) as [Instance, Instance, Instance];
      const baseKey = a.cache.keyFor({ route: 'users.get', input: { id: 2 } });
      let release: (value: string) => void = () => {};
      let loading = false;
      const slow = a.cache.getOrLoad({
        baseKey,
        tags: ['users'],
        load: () => {
          loading = true;
          return new Promise<string>((resolve) => {
            release = resolve;
          });
        },
      });
      await until(() => loading);
      // The data changes, then b invalidates, while a's load (of the old data) is in flight.
      await (by === 'tag' ? b.cache.invalidateTags(['users']) : b.cache.invalidate(baseKey));
      release('stale');
      expect((await slow).value).toBe('stale'); // served to its own caller, never stored

      for (const peer of [a, b, c]) {
        const got = await peer.cache.getOrLoad({
          baseKey,
          tags: ['users'],
          load: async () => 'fresh',
        });
        expect(got.value).toBe('fresh');
      }
    });
  }

  it('with leases, 4 instances × 250 concurrent misses run the loader once', async () => {
    const made = await instances(4, { leases: true });
    const baseKey = made[0]?.cache.keyFor({ route: 'report', input: { year: 2026 } }) ?? '';
    let runs = 0;
    const load = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { total: 42 };
    };
    const results = await Promise.all(
      made.flatMap(({ cache }) =>
        Array.from({ length: 250 }, () => cache.getOrLoad({ baseKey, load })),
      ),
    );
    expect(results).toHaveLength(1_000);
    for (const result of results) expect(result.value).toEqual({ total: 42 });
    expect(runs).toBe(1);
  });

  it('without leases, each instance loads once (the control for the test above)', async () => {
    const made = await instances(4);
    const baseKey = made[0]?.cache.keyFor({ route: 'report', input: { year: 2027 } }) ?? '';
    let runs = 0;
    const load = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return 1;
    };
    await Promise.all(
      made.flatMap(({ cache }) =>
        Array.from({ length: 250 }, () => cache.getOrLoad({ baseKey, load })),
      ),
    );
    expect(runs).toBe(4);
  });

  it('a lease whose holder vanished costs at most the lease ttl, then loads locally', async () => {
    const [a] = (await instances(1, { leases: true, leaseTimeout: 300 })) as [Instance];
    const baseKey = a.cache.keyFor({ route: 'orphan', input: 1 });
    // A holder that crashed: the lease is taken and never released nor filled.
    const holder = redisStore({ client: observer, prefix: `multi${run}:`, leases: true });
    const lease = await holder.acquireLease?.({ key: baseKey, baseKey, tags: [] }, 300);
    expect(lease?.acquired).toBe(true);

    const started = performance.now();
    const result = await a.cache.getOrLoad({ baseKey, load: async () => 'local' });
    const waited = performance.now() - started;
    expect(result.value).toBe('local');
    expect(waited).toBeGreaterThan(200);
    expect(waited).toBeLessThan(300 + 3_000); // far below the 5 s a lost lease would cost without the ttl
  });

  it('a stream keeps its lease while it is read: another instance waits and replays it', async () => {
    const [a, b] = (await instances(2, { leases: true })) as [Instance, Instance];
    const baseKey = a.cache.keyFor({ route: 'feed', input: 1 });
    const stream = { maxChunks: 100, maxBytes: 10_000 };
    let loads = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = async () => {
      loads++;
      return (async function* () {
        yield 1;
        await gate;
        yield 2;
        return 'end';
      })();
    };
    const first = await a.cache.getOrLoad({ baseKey, stream, load });
    const reading = drain(first.value);
    const second = b.cache.getOrLoad({ baseKey, stream, load });
    setTimeout(release, 100);
    const expected = { chunks: [1, 2], returned: 'end' };
    expect(await reading).toEqual(expected);
    const replayed = await second;
    expect(replayed).toMatchObject({ status: 'MISS', kind: 'stream' });
    expect(await drain(replayed.value)).toEqual(expected);
    expect(loads).toBe(1);
  });

  it('a waiter loads at once when the holder releases without storing', async () => {
    const [a] = (await instances(1, { leases: true })) as [Instance];
    const baseKey = a.cache.keyFor({ route: 'failing', input: 1 });
    const holder = redisStore({ client: observer, prefix: `multi${run}:`, leases: true });
    const lease = await holder.acquireLease?.({ key: baseKey, baseKey, tags: [] }, 5_000);
    if (!lease?.acquired) throw new Error('expected the lease');
    setTimeout(() => void lease.release(), 50);
    const started = performance.now();
    expect((await a.cache.getOrLoad({ baseKey, load: async () => 'local' })).value).toBe('local');
    // Well under the 5 s lease timeout a waiter would sit out otherwise (a ceiling under load).
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  pauseMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
