import { memoryStore, tieredStore } from '@routecache/core';
import { redisBus, redisStore } from '@routecache/core/redis';
import { storeContractSuite } from '@routecache/core/testing';
import { describe } from 'vitest';
import { testBaseKeyOf, useRedisCluster, useRedisNode } from '../support/redis-clients.js';
import { redisAvailable } from '../support/redis-server.js';

// Generous budget: these tests prove the contract, not the latency (see fail-open tests).
const timeout = 2_000;

describe.skipIf(!redisAvailable())('redisStore on a single node', () => {
  const redis = useRedisNode();

  storeContractSuite(
    'redisStore',
    () =>
      redisStore({ client: redis.client, prefix: 'contract:', timeout, baseKeyOf: testBaseKeyOf }),
    { disposeAfterEach: false },
  );
});

describe.skipIf(!redisAvailable())('redisStore on a 3-master cluster', () => {
  const redis = useRedisCluster();

  storeContractSuite(
    'redisStore (cluster)',
    () =>
      redisStore({ client: redis.client, prefix: 'contract:', timeout, baseKeyOf: testBaseKeyOf }),
    { disposeAfterEach: false },
  );
});

describe.skipIf(!redisAvailable())('tieredStore over redisStore with redisBus', () => {
  const redis = useRedisNode();

  storeContractSuite('tieredStore (memory over redis)', () =>
    tieredStore({
      l1: memoryStore(),
      l2: redisStore({
        client: redis.client,
        prefix: 'tiered:',
        timeout,
        baseKeyOf: testBaseKeyOf,
      }),
      bus: redisBus({ client: redis.client, channel: 'routecache:contract' }),
      baseKeyOf: testBaseKeyOf,
    }),
  );
});
