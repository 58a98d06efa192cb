/**
 * Helpers shared by the Redis integration tests: clients on the test servers, and the base-key
 * rule of the contract suite's test addresses (`baseKey#variant`, base keys without `#`).
 */
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import {
  type RedisCluster,
  type RedisServer,
  startRedis,
  startRedisCluster,
} from './redis-server.js';

/** A connected client on a test server (fail-fast: no offline queue). */
export async function connect(server: Pick<RedisServer, 'host' | 'port'>): Promise<Redis> {
  const client = new Redis({
    host: server.host,
    port: server.port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 50, 500),
  });
  client.on('error', () => {});
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return client;
}

/** A connected Cluster client on a test cluster. */
export async function connectCluster(cluster: RedisCluster): Promise<Cluster> {
  const client = new Cluster([...cluster.nodes], { enableOfflineQueue: true });
  client.on('error', () => {});
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return client;
}

/** Base key of the contract suite's storage keys (`uniqueNames`: `baseKey#variant`). */
export function testBaseKeyOf(key: string): string {
  const at = key.indexOf('#');
  return at < 0 ? key : key.slice(0, at);
}

/** Sum of `cmdstat_*` calls on one server (INFO commandstats), for round-trip counting. */
export async function commandCount(client: Redis): Promise<Map<string, number>> {
  const info = await client.info('commandstats');
  const counts = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    counts.set(match[1] ?? '', Number(match[2]));
  }
  return counts;
}

/** A redis-server and a client on it, live for the enclosing `describe` (see {@link useRedisNode}). */
export interface RedisNodeFixture {
  readonly server: RedisServer;
  readonly client: Redis;
  /** A second client on the same server, e.g. to observe without counting in commandstats. */
  readonly observer: Redis;
}

/**
 * Start a single-node redis-server with two clients before the enclosing `describe`'s tests, and
 * stop them after. Read the fields inside tests (they are set in `beforeAll`).
 *
 * @example
 * ```ts
 * describe.skipIf(!redisAvailable())('my store', () => {
 *   const redis = useRedisNode();
 *   it('works', async () => expect(await redis.client.ping()).toBe('PONG'));
 * });
 * ```
 */
export function useRedisNode(): RedisNodeFixture {
  let live: { server: RedisServer; client: Redis; observer: Redis } | undefined;
  beforeAll(async () => {
    const server = await startRedis();
    live = { server, client: await connect(server), observer: await connect(server) };
  });
  afterAll(async () => {
    live?.client.disconnect();
    live?.observer.disconnect();
    await live?.server.stop();
  });
  return fixture(() => live);
}

/** A 3-master cluster and a client on it, live for the enclosing `describe`. */
export interface RedisClusterFixture {
  readonly cluster: RedisCluster;
  readonly client: Cluster;
}

/** Start a 3-master redis cluster and a client for the enclosing `describe`; stop them after. */
export function useRedisCluster(): RedisClusterFixture {
  let live: { cluster: RedisCluster; client: Cluster } | undefined;
  beforeAll(async () => {
    const cluster = await startRedisCluster();
    live = { cluster, client: await connectCluster(cluster) };
  }, 30_000);
  afterAll(async () => {
    live?.client.disconnect();
    await live?.cluster.stop();
  });
  return fixture(() => live);
}

/** Read-through view of state set in `beforeAll`; reading it outside a test is a clear error. */
function fixture<T extends object>(get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const live = get();
      if (live === undefined)
        throw new Error('redis fixture read outside a test (before beforeAll)');
      return live[property as keyof T];
    },
  });
}
