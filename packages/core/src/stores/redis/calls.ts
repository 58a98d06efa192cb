import type { Cluster, Redis } from 'ioredis';
import type { StoreConnection } from './connection.js';
import type { Fallback, Guard } from './guard.js';

/**
 * The Redis store's calls: each runs under the {@link Guard} (budget + breaker) and, while the
 * client makes its first connection, waits for it within that budget.
 *
 * @example
 * ```ts
 * const calls = new RedisCalls(client, guard, connection);
 * const data = await calls.run('get', () => client.getBuffer(key), { value: null });
 * const entry = await calls.run('get', () => client.getBuffer(key), MISS, (data) => decode(data));
 * ```
 */
export class RedisCalls {
  readonly #client: Redis | Cluster;
  readonly #guard: Guard;
  readonly #connection: StoreConnection;

  constructor(client: Redis | Cluster, guard: Guard, connection: StoreConnection) {
    this.#client = client;
    this.#guard = guard;
    this.#connection = connection;
  }

  /**
   * One guarded call; `fallback` marks a read (fail-open), `map` turns the answer into the
   * result as it arrives (see {@link Guard.run}).
   */
  run<T, R = T>(
    operation: string,
    call: () => Promise<T>,
    fallback?: Fallback<R>,
    map?: (answer: T) => R,
  ): Promise<R> {
    const guard = this.#guard;
    if (this.#client.status === 'ready') return guard.run(operation, call, fallback, false, map);
    const connection = this.#connection;
    const waited = () => connection.whenReady().then(call);
    return guard.run(operation, waited, fallback, connection.starting, map);
  }
}
