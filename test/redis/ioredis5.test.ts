/**
 * The store claims `ioredis ^5.9.0 || ^6.0.0`; every other Redis test runs on ioredis 6. This
 * file runs the store contract (single node, cluster, tiered with the bus), the one-round-trip
 * hit and fail-open on clients made by ioredis 5 (the `ioredis5` npm alias of test/package.json).
 */
import { createCache, memoryStore, type StoreError, tieredStore } from '@routecache/core';
import { type RedisStoreOptions, redisBus, redisStore } from '@routecache/core/redis';
import { storeContractSuite } from '@routecache/core/testing';
import { Cluster as Cluster5, Redis as Redis5 } from 'ioredis5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCount, connect, testBaseKeyOf } from '../support/redis-clients.js';
import {
  type RedisCluster,
  type RedisServer,
  redisAvailable,
  startRedis,
  startRedisCluster,
} from '../support/redis-server.js';

const timeout = 2_000;

/**
 * The client type the store accepts. Its declaration resolves `ioredis` from @routecache/core,
 * which in this workspace is ioredis 6, whose class types have members 5 lacks. In an app that
 * installs ioredis 5 the same declaration resolves to 5 and no cast is needed; here it is.
 */
type StoreClient = NonNullable<RedisStoreOptions['client']>;
const asStoreClient = (client: Redis5 | Cluster5): StoreClient => client as unknown as StoreClient;

/** A contract-suite store on an ioredis 5 client (test addresses, generous budget). */
const contractStore = (client: Redis5 | Cluster5, prefix: string) =>
  redisStore({ client: asStoreClient(client), prefix, timeout, baseKeyOf: testBaseKeyOf });

async function ready<C extends Redis5 | Cluster5>(client: C): Promise<C> {
  client.on('error', () => {});
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return client;
}

/** A user's ioredis 5 client with its defaults (offline queue on), as an app would make it. */
function node5(server: Pick<RedisServer, 'host' | 'port'>): Promise<Redis5> {
  return ready(new Redis5({ host: server.host, port: server.port }));
}

function cluster5(cluster: RedisCluster): Promise<Cluster5> {
  return ready(new Cluster5([...cluster.nodes]));
}

describe.skipIf(!redisAvailable())('ioredis 5 on a single node', () => {
  let server: RedisServer;
  let client: Redis5;
  beforeAll(async () => {
    server = await startRedis();
    client = await node5(server);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('is really ioredis 5', async () => {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('ioredis5/package.json') as { version: string };
    expect(pkg.version).toMatch(/^5\./);
  });

  storeContractSuite('redisStore (ioredis 5)', () => contractStore(client, 'v5:'), {
    disposeAfterEach: false,
  });

  storeContractSuite('tieredStore (ioredis 5 store and bus)', () =>
    tieredStore({
      l1: memoryStore(),
      l2: contractStore(client, 'v5tiered:'),
      bus: redisBus({ client: asStoreClient(client), channel: 'routecache:v5' }),
      baseKeyOf: testBaseKeyOf,
    }),
  );

  it('serves a hit with one command (GET)', async () => {
    const observer = await connect(server);
    const cache = createCache({
      store: redisStore({ client: asStoreClient(client), prefix: 'v5rt:', timeout }),
      ttl: 60,
    });
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 1 } });
    const request = { baseKey, tags: ['users'], load: async () => ({ id: 1 }) };
    expect((await cache.getOrLoad(request)).status).toBe('MISS');
    const before = await commandCount(observer);
    expect((await cache.getOrLoad(request)).status).toBe('HIT');
    const after = await commandCount(observer);
    observer.disconnect();
    const ran = [...after].filter(
      ([command, n]) => command !== 'info' && n > (before.get(command) ?? 0),
    );
    expect(ran).toEqual([['get', (before.get('get') ?? 0) + 1]]);
  });
});

describe.skipIf(!redisAvailable())('ioredis 5 on a 3-master cluster', () => {
  let cluster: RedisCluster;
  let client: Cluster5;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = await cluster5(cluster);
  }, 30_000);
  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  storeContractSuite('redisStore (ioredis 5 cluster)', () => contractStore(client, 'v5:'), {
    disposeAfterEach: false,
  });
});

describe.skipIf(!redisAvailable())('ioredis 5 fail-open', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps serving through the loader while Redis is killed, and stores again after restart', async () => {
    const client = await node5(server); // offline queue on: the guard must not wait on it
    const cache = createCache({ store: redisStore(asStoreClient(client)), ttl: 60 });
    const errors: StoreError[] = [];
    cache.on('storeError', ({ error }) => errors.push(error));
    let loads = 0;
    const call = async (input: number) => {
      const started = performance.now();
      const result = await cache.getOrLoad({
        baseKey: cache.keyFor({ route: 'items.get', input }),
        load: async () => {
          loads++;
          return { input };
        },
      });
      expect(result.value).toEqual({ input });
      return performance.now() - started;
    };
    for (let i = 0; i < 5; i++) await call(i);
    expect(loads).toBe(5);

    await server.kill();
    const latencies: number[] = [];
    for (let round = 0; round < 10; round++) {
      latencies.push(...(await Promise.all([0, 1, 2, 3, 4].map(call))));
    }
    expect(loads).toBe(55); // every call during the outage went to the loader, none failed
    expect(Math.max(...latencies)).toBeLessThan(40 + 200); // budget + slack of a loaded box
    expect(errors).toHaveLength(1); // once per outage

    await server.start();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const filled = loads;
      await call(0);
      await call(0);
      if (loads <= filled + 1) break; // the second call was a hit: Redis stores again
      if (Date.now() > deadline) throw new Error('never recovered');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    client.disconnect();
  }, 20_000);
});
