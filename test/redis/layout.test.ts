import { createCache, memoryStore, tieredStore } from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
import { testEntry } from '@routecache/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { testBaseKeyOf, useRedisCluster, useRedisNode } from '../support/redis-clients.js';
import { freePort, redisAvailable } from '../support/redis-server.js';

const timeout = 2_000;

describe.skipIf(!redisAvailable())('redis key layout on a single node', () => {
  const redis = useRedisNode();

  it('gives every key it writes a ttl (entries, indexes, generations, registries)', async () => {
    const store = redisStore({
      client: redis.client,
      prefix: 'ttl:',
      timeout,
      baseKeyOf: testBaseKeyOf,
    });
    for (let i = 0; i < 20; i++) {
      const address = { key: `b${i % 5}#v${i}`, baseKey: `b${i % 5}`, tags: [`t${i % 3}`] };
      await store.set(address, testEntry(i, { tags: address.tags }), await store.fence(address));
    }
    await store.invalidate('b1');
    await store.invalidateTags(['t2']);
    const keys = await redis.client.keys('ttl:*');
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(await redis.client.pttl(key), key).toBeGreaterThan(0);
  });

  it('caps an entry that never expires at a year, so it still carries a ttl', async () => {
    const store = redisStore({
      client: redis.client,
      prefix: 'forever:',
      timeout,
      baseKeyOf: testBaseKeyOf,
    });
    const address = { key: 'k', baseKey: 'k', tags: ['t'] };
    const entry = { ...testEntry('kept'), staleUntil: Number.POSITIVE_INFINITY };
    expect(await store.set(address, entry, await store.fence(address))).toBe(true);
    expect((await store.get('k'))?.value).toBe('kept');
    for (const key of await redis.client.keys('forever:*')) {
      const ttl = await redis.client.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(366 * 24 * 3600 * 1000);
    }
  });

  it('prunes index fields of expired variants as new variants are written', async () => {
    const store = redisStore({
      client: redis.client,
      prefix: 'prune:',
      timeout,
      baseKeyOf: testBaseKeyOf,
    });
    const put = async (variant: string, ms: number) => {
      const address = { key: `base#${variant}`, baseKey: 'base', tags: [] };
      await store.set(address, testEntry(variant, { freshMs: ms }), await store.fence(address));
    };
    // A long-lived variant keeps the index alive; 100 short-lived ones expire behind it.
    await put('keeper', 60_000);
    for (let i = 0; i < 100; i++) await put(`short${i}`, 50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 100; i++) await put(`next${i}`, 60_000);

    const index = (await redis.client.keys('prune:*i'))[0] ?? '';
    const fields = await redis.client.hlen(index);
    // 101 live variants; without pruning the 100 dead ones would stay (201 fields).
    expect(fields).toBeLessThan(130);
    expect(await store.invalidate('base')).toBe(101);
  });

  it('shares one decoded value between hits of an unchanged entry, unless decodeMemoBytes is 0', async () => {
    const put = async (store: ReturnType<typeof redisStore>, value: unknown) => {
      const address = { key: 'k', baseKey: 'k', tags: [] };
      await store.set(address, testEntry(value), await store.fence(address));
    };
    const options = { client: redis.client, timeout, baseKeyOf: testBaseKeyOf };
    const shared = redisStore({ ...options, prefix: 'memo:' });
    await put(shared, { n: 1 });
    const first = (await shared.get('k'))?.value;
    expect((await shared.get('k'))?.value).toBe(first); // the same object: treat it as immutable
    await put(shared, { n: 2 });
    expect((await shared.get('k'))?.value).toEqual({ n: 2 }); // new bytes: a new decode

    const fresh = redisStore({ ...options, prefix: 'nomemo:', decodeMemoBytes: 0 });
    await put(fresh, { n: 1 });
    const one = (await fresh.get('k'))?.value;
    const two = (await fresh.get('k'))?.value;
    expect(two).toEqual(one);
    expect(two).not.toBe(one);
  });

  it('keeps every index structure bounded while variants, base keys and tags churn over time', async () => {
    const store = redisStore({
      client: redis.client,
      prefix: 'churn:',
      timeout,
      fenceWindow: 200,
      baseKeyOf: testBaseKeyOf,
    });
    const put = async (key: string, tags: string[], ms: number) => {
      const address = { key, baseKey: testBaseKeyOf(key), tags };
      await store.set(address, testEntry(key, { tags, freshMs: ms }), await store.fence(address));
    };
    // One long-lived variant keeps its base key's index alive for the whole test.
    await put('keep#keeper', ['all'], 60_000);
    const sizes: { keys: number; index: number; registry: number }[] = [];
    for (let wave = 0; wave < 5; wave++) {
      // Each wave: 40 new short-lived variants of the kept base key, 20 new base keys, 4 new
      // tags (plus the shared tag), all expiring (100 ms) before the next wave.
      await Promise.all([
        ...Array.from({ length: 40 }, (_, i) =>
          put(`keep#w${wave}v${i}`, ['all', `w${wave}t${i % 4}`], 100),
        ),
        ...Array.from({ length: 20 }, (_, i) =>
          put(`b${wave}-${i}#x`, ['all', `w${wave}t${i % 4}`], 100),
        ),
      ]);
      const keys = await redis.client.keys('churn:*');
      const indexes = keys.filter((key) => key.endsWith('}i'));
      const registries = keys.filter((key) => key.endsWith('}r'));
      const index = Math.max(...(await Promise.all(indexes.map((k) => redis.client.hlen(k)))));
      const registry = Math.max(
        ...(await Promise.all(registries.map((k) => redis.client.zcard(k)))),
      );
      sizes.push({ keys: keys.length, index, registry });
      // Past every short ttl, the fence window and the registrations' ttl (ttl + window).
      await new Promise((resolve) => setTimeout(resolve, 350));
    }
    const [first, last] = [sizes[0], sizes.at(-1)];
    if (first === undefined || last === undefined) throw new Error('no waves measured');
    // Without ttls and pruning, wave 5 would hold ~5× wave 1: 500+ keys, an index of 201
    // fields, a shared-tag registry of 101 base keys. It holds about one wave's worth.
    expect(last.keys).toBeLessThanOrEqual(first.keys + 10);
    expect(last.index).toBeLessThan(41 + 30); // live variants + a sampled-pruning remainder
    expect(last.registry).toBeLessThanOrEqual(first.registry + 2);
    expect(sizes.map((size) => size.keys)).toHaveLength(5);
  });

  it('survives a script cache flush (NOSCRIPT → EVAL)', async () => {
    const store = redisStore({
      client: redis.client,
      prefix: 'flush:',
      timeout,
      baseKeyOf: testBaseKeyOf,
    });
    const address = { key: 'k', baseKey: 'k', tags: [] };
    await redis.client.script('FLUSH');
    expect(await store.set(address, testEntry(1), await store.fence(address))).toBe(true);
    expect((await store.get('k'))?.value).toBe(1);
  });

  it('warns once when the cache writes with a codec the store cannot read', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const store = redisStore({
      client: redis.client,
      prefix: 'codec:',
      timeout,
      baseKeyOf: testBaseKeyOf,
    });
    for (const key of ['a', 'b']) {
      const address = { key, baseKey: key, tags: [] };
      const entry = { ...testEntry(key), codec: 'other-codec' };
      expect(await store.set(address, entry, await store.fence(address))).toBe(true);
      expect(await store.get(key)).toBeUndefined(); // unreadable here: a miss, never a crash
    }
    const codes = warn.mock.calls.map(([, options]) => (options as { code?: string }).code);
    expect(codes.filter((code) => code === 'ROUTECACHE_CODEC_NOT_READABLE')).toHaveLength(1);
    warn.mockRestore();
  });

  it('takes a client directly or in options, and rejects invalid options by name', () => {
    expect(redisStore(redis.client).client).toBe(redis.client);
    expect(redisStore({ client: redis.client }).client).toBe(redis.client);
    expect(() => redisStore({ client: redis.client, prefix: 'a{b}' })).toThrow(/prefix/);
    expect(() => redisStore({ client: redis.client, timeout: 0 })).toThrow(/timeout/);
    expect(() => redisStore({ client: redis.client, breaker: { threshold: -1 } })).toThrow(
      /breaker.threshold/,
    );
    expect(() => redisStore({ client: redis.client, connection: {} })).toThrow(/client/);
  });
});

describe.skipIf(!redisAvailable())('redis key layout on a 3-master cluster', () => {
  const redis = useRedisCluster();

  it('keeps all keys of one base key in one slot, even with braces in the base key', async () => {
    const store = redisStore({
      client: redis.client,
      prefix: 'slots:',
      timeout,
      baseKeyOf: testBaseKeyOf,
    });
    const baseKeys = ['{a}', '}b{', 'c{}', '{{d}}'];
    for (const baseKey of baseKeys) {
      for (const variant of ['x', 'y', 'z']) {
        const address = { key: `${baseKey}#${variant}`, baseKey, tags: ['shared', variant] };
        const entry = testEntry(variant, { tags: address.tags });
        expect(await store.set(address, entry, await store.fence(address))).toBe(true);
      }
    }
    const masters = redis.client.nodes('master');
    const keys = (await Promise.all(masters.map((node) => node.keys('slots:*')))).flat();
    const slotsByTag = new Map<string, Set<number>>();
    for (const key of keys) {
      const tag = key.slice(key.indexOf('{'), key.indexOf('}') + 1);
      const slot = Number(await redis.client.cluster('KEYSLOT', key));
      slotsByTag.set(tag, (slotsByTag.get(tag) ?? new Set()).add(slot));
    }
    for (const slots of slotsByTag.values()) expect(slots.size).toBe(1);
    // The base keys spread over several masters, so the tag invalidation spans nodes.
    const perNode = await Promise.all(masters.map((node) => node.keys('slots:*e:*')));
    expect(perNode.filter((found) => found.length > 0).length).toBeGreaterThan(1);

    expect(await store.invalidateTags(['x', 'y'])).toBe(8);
    expect(await store.invalidate('{a}')).toBe(1);
    expect(await store.invalidateTags(['shared'])).toBe(3);
  });

  it('never gets CROSSSLOT, also for tag invalidations and clear spanning every master', async () => {
    const masters = redis.client.nodes('master');
    const crossSlotErrors = async () => {
      const infos = await Promise.all(masters.map((node) => node.info('errorstats')));
      return infos.reduce((sum, info) => {
        const match = /^errorstat_CROSSSLOT:count=(\d+)/m.exec(info);
        return sum + Number(match?.[1] ?? 0);
      }, 0);
    };
    // The control: a multi-key command across slots is counted (the probe can see CROSSSLOT).
    const before = await crossSlotErrors();
    await masters[0]?.mget('crossslot-a', 'crossslot-b').catch(() => undefined);
    expect(await crossSlotErrors()).toBe(before + 1);

    const store = redisStore({
      client: redis.client,
      prefix: 'xslot:',
      timeout,
      baseKeyOf: testBaseKeyOf,
    });
    const baseKeys = Array.from({ length: 30 }, (_, i) => `base${i}`);
    await Promise.all(
      baseKeys.flatMap((baseKey, i) =>
        ['v1', 'v2'].map(async (variant) => {
          const address = {
            key: `${baseKey}#${variant}`,
            baseKey,
            tags: ['shared', `group${i % 3}`],
          };
          const entry = testEntry(variant, { tags: address.tags });
          expect(await store.set(address, entry, await store.fence(address))).toBe(true);
        }),
      ),
    );
    const entriesPerMaster = async () =>
      Promise.all(masters.map(async (node) => (await node.keys('xslot:*e:*')).length));
    expect((await entriesPerMaster()).every((count) => count > 0)).toBe(true); // all 3 masters

    expect(await store.invalidateTags(['group0', 'group1'])).toBe(40);
    expect(await store.invalidate('base2')).toBe(2);
    await store.clear();
    expect(await entriesPerMaster()).toEqual([0, 0, 0]);
    expect(await crossSlotErrors()).toBe(before + 1); // only the control
  });

  it('runs the tiered store and its bus on connections it creates from cluster nodes', async () => {
    const channel = 'routecache:cluster-bus';
    const made = Array.from({ length: 2 }, () => {
      const l1 = memoryStore();
      const bus = redisBus({ cluster: { nodes: redis.cluster.nodes }, channel });
      const store = tieredStore({
        l1,
        l2: redisStore({ cluster: { nodes: redis.cluster.nodes }, prefix: 'tiered:', timeout }),
        bus,
      });
      return { l1, bus, cache: createCache({ store, storeTimeout: timeout }) };
    });
    const [a, b] = made as [(typeof made)[0], (typeof made)[0]];
    await Promise.all(made.map(({ bus }) => bus.ready()));
    const baseKey = a.cache.keyFor({ route: 'users.get', input: { id: 7 } });
    await a.cache.getOrLoad({ baseKey, load: async () => 'v1' });
    // Read on b until its L1 holds the copy (an L2 hit fills L1 just after it answers).
    for (let tries = 0; b.l1.get(baseKey) === undefined; tries++) {
      if (tries > 100) throw new Error('b never filled its L1');
      expect((await b.cache.getOrLoad({ baseKey, load: async () => 'never' })).value).toBe('v1');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    expect(await a.cache.invalidate(baseKey)).toBe(1);
    const until = Date.now() + 1_000;
    while (b.l1.get(baseKey) !== undefined && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(b.l1.get(baseKey)).toBeUndefined();
    await Promise.all(made.map(({ cache }) => cache.dispose()));
  });
});

describe('redisStore.ready', () => {
  it('rejects with a StoreError when the connection closes before it is up', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis({
      host: '127.0.0.1',
      port: await freePort(), // nothing listens there
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null, // give up at once: the connection ends
    });
    client.on('error', () => {});
    const store = redisStore({ client });
    await expect(store.ready()).rejects.toMatchObject({
      name: 'StoreError',
      code: 'ROUTECACHE_STORE_UNAVAILABLE',
    });
  });
});
