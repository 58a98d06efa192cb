import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { InvalidOptionError, StoreError } from '../../errors.js';
import { type NumberRule, numberOption, optionsObject, received } from '../../options/validate.js';
import type { Bus, BusHandlers, BusMessage } from '../bus.js';
import type { Envelope } from './bus-message.js';
import { BusSubscriber, type SubscriberSettings } from './bus-subscriber.js';
import { Guard } from './guard.js';
import {
  connectionOptionKeys,
  isClient,
  type RedisConnectionOptions,
  type ResolvedConnection,
  resolveConnection,
} from './options.js';

/** Options of {@link redisBus}. */
export interface RedisBusOptions extends RedisConnectionOptions {
  /** Pub/sub channel shared by the instances. @default 'routecache:bus' */
  channel?: string;
  /** How long `ready()` waits for the subscription to become live, ms. @default 5000 */
  readyTimeout?: number;
  /**
   * How often the subscriber connection is checked with a `PING`, ms; `0` turns the check off.
   * A path to Redis that goes silent without closing the socket (a blackhole, a partition) is
   * otherwise never noticed: the bus would stay "subscribed" and miss every invalidation.
   * @default 5000
   */
  healthCheckInterval?: number;
  /**
   * How long a health-check `PING` may take before the subscriber is declared dead and
   * reconnected, ms. Generous on purpose: each reconnect drops every instance's L1.
   * @default 1000
   */
  healthCheckTimeout?: number;
  /**
   * Told about every message on the channel that is not a routecache bus message (not JSON, an
   * unknown type, a missing or mistyped field): it is ignored, reported here, and warned about
   * once (`ROUTECACHE_BUS_MESSAGE_INVALID`). The error's `context` holds the `problem`, the
   * payload's size in `bytes`, and its first 64 characters as `preview`.
   */
  onInvalidMessage?: (error: StoreError) => void;
}

const BUS_OPTIONS = connectionOptionKeys<RedisBusOptions>({
  channel: true,
  readyTimeout: true,
  healthCheckInterval: true,
  healthCheckTimeout: true,
  onInvalidMessage: true,
});
const POSITIVE_MS: NumberRule = { min: 0, aboveMin: true, unit: 'milliseconds' };

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

/**
 * A {@link Bus} on Redis pub/sub, for `tieredStore`. Publishes on the given (or created)
 * client; listens on a dedicated subscriber connection (`duplicate()` of it). Each time the
 * subscription becomes active — the first time, and after every reconnect — handlers get
 * `reconnected()`: messages published before were not seen, so the tiered store drops its L1.
 *
 * Every `healthCheckInterval` ms the subscriber is sent a `PING`; one unanswered within
 * `healthCheckTimeout` (a silent path: blackhole, partition) forces it to reconnect, so the
 * handlers get `reconnected()` once Redis answers again. Such an outage is reported once through
 * `onStatus` (`'down'` with a `ROUTECACHE_STORE_TIMEOUT` error of operation `health check`, then
 * `'up'`). Every message read from the channel is validated: anything else published there is
 * ignored and reported (`onInvalidMessage`, one warning), never thrown inside ioredis. A silent
 * path is noticed within `healthCheckInterval + healthCheckTimeout` ms; while it stays silent, L1 copies serve until their ttl as in any outage, and once the subscription is
 * live again the tiered store drops its L1 (without the check, that would never happen).
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
  const given: RedisBusOptions = isClient(options)
    ? { client: options }
    : optionsObject(options, BUS_OPTIONS);
  const resolved = resolveConnection(given);
  const channel = given.channel ?? 'routecache:bus';
  if (typeof channel !== 'string' || channel.length === 0) {
    throw new InvalidOptionError('channel', `must be a non-empty string, ${received(channel)}`);
  }
  const healthCheckTimeout =
    numberOption('healthCheckTimeout', given.healthCheckTimeout, POSITIVE_MS) ?? 1_000;
  return new RedisPubSubBus(resolved, {
    channel,
    origin: randomUUID(),
    readyTimeout: numberOption('readyTimeout', given.readyTimeout, POSITIVE_MS) ?? 5_000,
    // 0 turns the health check off.
    healthCheckInterval:
      numberOption('healthCheckInterval', given.healthCheckInterval, {
        min: 0,
        unit: 'milliseconds',
      }) ?? 5_000,
    // The subscriber's own budget, breaker and once-per-outage report: a PING on it must not
    // spend (or open) the publishing budget, and gets more time, since a wrong verdict costs L1.
    healthGuard: new Guard('redis-bus', healthCheckTimeout, resolved.breaker, resolved.onStatus),
    onInvalidMessage: given.onInvalidMessage,
  });
}

/** The bus {@link redisBus} returns: publishes on the client, listens through a {@link BusSubscriber}. */
class RedisPubSubBus implements RedisBus {
  readonly #client: Redis | Cluster;
  readonly #owned: boolean;
  readonly #settings: SubscriberSettings & { readonly readyTimeout: number };
  readonly #guard: Guard;
  readonly #handlers = new Set<BusHandlers>();
  readonly #subscriber: BusSubscriber;

  constructor(
    resolved: ResolvedConnection,
    settings: SubscriberSettings & { readonly readyTimeout: number },
  ) {
    this.#client = resolved.client;
    this.#owned = resolved.owned;
    this.#settings = settings;
    this.#guard = new Guard('redis-bus', resolved.timeoutMs, resolved.breaker, resolved.onStatus);
    this.#subscriber = new BusSubscriber(resolved.client, settings, this.#handlers);
  }

  ready(): Promise<void> {
    return this.#subscriber.whenLive(this.#settings.readyTimeout);
  }

  async publish(message: BusMessage): Promise<void> {
    const { channel, origin } = this.#settings;
    const payload = JSON.stringify({ o: origin, m: message } satisfies Envelope);
    await this.#guard.run('publish', () => this.#client.publish(channel, payload));
  }

  subscribe(handlers: BusHandlers): () => void {
    this.#handlers.add(handlers);
    this.#subscriber.start();
    return () => this.#handlers.delete(handlers);
  }

  async dispose(): Promise<void> {
    const { channel } = this.#settings;
    this.#subscriber.close(
      new StoreError(
        'ROUTECACHE_STORE_UNAVAILABLE',
        `Bus "redis-bus" disposed before its subscription to "${channel}" was live`,
        { context: { store: 'redis-bus', channel } },
      ),
    );
    this.#handlers.clear();
    if (this.#owned) this.#client.disconnect();
  }
}
