import { memoryStore, tieredStore } from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
import { storeContractSuite } from '@routecache/core/testing';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { connect, connectCluster, testBaseKeyOf } from '../support/redis-clients.js';
import {
  type RedisCluster,
  type RedisServer,
  redisAvailable,
  startRedis,
  startRedisCluster,
} from '../support/redis-server.js';

// Generous budget: these tests prove the contract, not the latency (see fail-open tests).
const timeout = 2_000;

describe.skipIf(!redisAvailable())('redisStore on a single node', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedis();
    client = await connect(server);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  storeContractSuite(
    'redisStore',
    () => redisStore({ client, prefix: 'contract:', timeout, baseKeyOf: testBaseKeyOf }),
    { disposeAfterEach: false },
  );
});

describe.skipIf(!redisAvailable())('redisStore on a 3-master cluster', () => {
  let cluster: RedisCluster;
  let client: Cluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = await connectCluster(cluster);
  }, 30_000);
  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  storeContractSuite(
    'redisStore (cluster)',
    () => redisStore({ client, prefix: 'contract:', timeout, baseKeyOf: testBaseKeyOf }),
    { disposeAfterEach: false },
  );
});

describe.skipIf(!redisAvailable())('tieredStore over redisStore with redisBus', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedis();
    client = await connect(server);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  storeContractSuite('tieredStore (memory over redis)', () =>
    tieredStore({
      l1: memoryStore(),
      l2: redisStore({ client, prefix: 'tiered:', timeout, baseKeyOf: testBaseKeyOf }),
      bus: redisBus({ client, channel: 'routecache:contract' }),
      baseKeyOf: testBaseKeyOf,
    }),
  );
});
