/**
 * Helpers shared by the Redis integration tests: clients on the test servers, and the base-key
 * rule of the contract suite's test addresses (`baseKey#variant`, base keys without `#`).
 */
import { Cluster, Redis } from 'ioredis';
import type { RedisCluster, RedisServer } from './redis-server.js';

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
