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

  /** One guarded call; `fallback` marks a read (fail-open, see {@link Guard.run}). */
  run<T>(operation: string, call: () => Promise<T>, fallback?: Fallback<T>): Promise<T> {
    if (this.#client.status === 'ready') return this.#guard.run(operation, call, fallback);
    const connection = this.#connection;
    return this.#guard.run(
      operation,
      () => connection.whenReady().then(call),
      fallback,
      connection.starting,
    );
  }
}
