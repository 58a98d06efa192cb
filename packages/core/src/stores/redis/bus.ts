import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { InvalidOptionError, StoreError } from '../../errors.js';
import type { Bus, BusHandlers, BusMessage } from '../bus.js';
import { Guard } from './guard.js';
import { isClient, isCluster, type RedisConnectionOptions, resolveConnection } from './options.js';

/** Options of {@link redisBus}. */
export interface RedisBusOptions extends RedisConnectionOptions {
  /** Pub/sub channel shared by the instances. @default 'routecache:bus' */
  channel?: string;
  /** How long `ready()` waits for the subscription to become live, ms. @default 5000 */
  readyTimeout?: number;
}

/** The Redis bus: a {@link Bus} whose `ready()` is always there. */
export interface RedisBus extends Bus {
  /**
   * Resolves once the subscription has been live (the first successful `SUBSCRIBE`; at once
   * after that). Starts the subscriber connection if no handler did yet.
   *
   * @throws {StoreError} `ROUTECACHE_STORE_TIMEOUT` when not live within `readyTimeout` (the
   * last connection error as `cause`); `ROUTECACHE_STORE_UNAVAILABLE` when disposed first.
   * @example
   * ```ts
   * const bus = redisBus({ connection: 'redis://127.0.0.1:6379' });
   * const store = tieredStore({ l1: memoryStore(), l2: redisStore(), bus });
   * await bus.ready(); // from here on, this instance hears every invalidation
   * ```
   */
  ready(): Promise<void>;
  dispose(): Promise<void>;
}

interface Envelope {
  /** The publishing instance, so it can skip its own messages. */
  o: string;
  m: BusMessage;
}

/**
 * A {@link Bus} on Redis pub/sub, for `tieredStore`. Publishes on the given (or created)
 * client; listens on a dedicated subscriber connection (`duplicate()` of it). Each time the
 * subscription becomes active — the first time, and after every reconnect — handlers get
 * `reconnected()`: messages published before were not seen, so the tiered store drops its L1.
 *
 * @throws {InvalidOptionError} for an invalid option (named).
 * @example
 * ```ts
 * import { memoryStore, tieredStore } from '@routecache/core';
 * import { redisBus, redisStore } from '@routecache/core/redis';
 *
 * const redis = new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: false });
 * const store = tieredStore({ l1: memoryStore(), l2: redisStore(redis), bus: redisBus(redis) });
 * ```
 */
export function redisBus(options: RedisBusOptions | Redis | Cluster): RedisBus {
  const resolved = resolveConnection(isClient(options) ? { client: options } : options);
  const channel = (isClient(options) ? undefined : options.channel) ?? 'routecache:bus';
  if (typeof channel !== 'string' || channel.length === 0) {
    throw new InvalidOptionError('channel', 'must be a non-empty string');
  }
  const readyTimeout = (isClient(options) ? undefined : options.readyTimeout) ?? 5_000;
  if (!(Number.isFinite(readyTimeout) && readyTimeout > 0)) {
    throw new InvalidOptionError('readyTimeout', 'must be a positive number', {
      context: { value: readyTimeout },
    });
  }
  const { client } = resolved;
  const guard = new Guard('redis-bus', resolved.timeoutMs, resolved.breaker, resolved.onStatus);
  const origin = randomUUID();
  const handlers = new Set<BusHandlers>();
  let subscriber: Redis | Cluster | undefined;
  let live = false;
  let lastError: unknown;
  /** Callers of `ready()` still waiting: settled with nothing (live) or an error. */
  const waiting = new Set<(error?: StoreError) => void>();

  function settleWaiting(error?: StoreError): void {
    for (const settle of waiting) settle(error);
    waiting.clear();
  }

  function start(): Redis | Cluster {
    // Resubscribing by hand (not autoResubscribe) tells us when the channel is live again.
    const overrides = { autoResubscribe: false, enableOfflineQueue: true };
    const sub = isCluster(client) ? client.duplicate([], overrides) : client.duplicate(overrides);
    sub.on('error', (error: unknown) => {
      lastError = error;
    });
    sub.on('ready', () => {
      sub.subscribe(channel).then(
        // Also after the first subscribe: whatever L1 took in before could have missed messages.
        () => {
          live = true;
          settleWaiting();
          for (const h of handlers) h.reconnected();
        },
        () => {
          // The connection dropped again; the next 'ready' retries.
        },
      );
    });
    sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(payload.toString('utf8')) as Envelope;
      } catch {
        return;
      }
      if (envelope.o === origin) return;
      for (const h of handlers) h.message(envelope.m);
    });
    return sub;
  }

  return {
    ready() {
      if (live) return Promise.resolve();
      subscriber ??= start();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(settle);
          reject(
            new StoreError(
              'ROUTECACHE_STORE_TIMEOUT',
              `Bus "redis-bus" not subscribed to "${channel}" within ${readyTimeout} ms`,
              { cause: lastError, context: { store: 'redis-bus', channel, readyTimeout } },
            ),
          );
        }, readyTimeout);
        const settle = (error?: StoreError) => {
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(error);
        };
        waiting.add(settle);
      });
    },
    async publish(message) {
      const payload = JSON.stringify({ o: origin, m: message } satisfies Envelope);
      await guard.run('publish', () => client.publish(channel, payload));
    },
    subscribe(h) {
      handlers.add(h);
      subscriber ??= start();
      return () => handlers.delete(h);
    },
    async dispose() {
      settleWaiting(
        new StoreError(
          'ROUTECACHE_STORE_UNAVAILABLE',
          `Bus "redis-bus" disposed before its subscription to "${channel}" was live`,
          { context: { store: 'redis-bus', channel } },
        ),
      );
      handlers.clear();
      subscriber?.disconnect();
      subscriber = undefined;
      if (resolved.owned) client.disconnect();
    },
  };
}
