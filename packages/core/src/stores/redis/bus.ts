import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ignore, TIMED_OUT, withTimeout } from '../../async.js';
import { InvalidOptionError, StoreError } from '../../errors.js';
import { type NumberRule, numberOption, optionsObject, received } from '../../options/validate.js';
import { warnOnce } from '../../warn.js';
import type { Bus, BusHandlers } from '../bus.js';
import { type Envelope, readEnvelope } from './bus-message.js';
import { Guard } from './guard.js';
import {
  connectionOptionKeys,
  isClient,
  isCluster,
  type RedisConnectionOptions,
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
 * ignored and reported (`onInvalidMessage`, one warning), never thrown inside ioredis. A silent path is noticed within `healthCheckInterval + healthCheckTimeout` ms; while
 * it stays silent, L1 copies serve until their ttl as in any outage, and once the subscription is
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
  const readyTimeout = numberOption('readyTimeout', given.readyTimeout, POSITIVE_MS) ?? 5_000;
  // 0 turns the health check off.
  const healthCheckInterval =
    numberOption('healthCheckInterval', given.healthCheckInterval, {
      min: 0,
      unit: 'milliseconds',
    }) ?? 5_000;
  const healthCheckTimeout =
    numberOption('healthCheckTimeout', given.healthCheckTimeout, POSITIVE_MS) ?? 1_000;
  const onInvalidMessage = given.onInvalidMessage;
  const { client } = resolved;
  const guard = new Guard('redis-bus', resolved.timeoutMs, resolved.breaker, resolved.onStatus);
  // The subscriber's own budget, breaker and once-per-outage report: a PING on it must not
  // spend (or open) the publishing budget, and gets more time, since a wrong verdict costs L1.
  const healthGuard = new Guard(
    'redis-bus',
    healthCheckTimeout,
    resolved.breaker,
    resolved.onStatus,
  );
  let healthTimer: ReturnType<typeof setInterval> | undefined;
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
    // Runs inside ioredis' socket data handler: a throw here would be an uncaught exception.
    sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => {
      const read = readEnvelope(payload);
      if (!read.ok) {
        reportInvalid(read.problem, payload);
        return;
      }
      const { o, m } = read.envelope;
      if (o === origin) return;
      for (const h of handlers) {
        try {
          h.message(m);
        } catch (error) {
          warnOnce(
            'ROUTECACHE_LISTENER_ERROR',
            `A redisBus message handler threw; the bus ignored it: ${String(error)}`,
            'redis-bus',
          );
        }
      }
    });
    if (healthCheckInterval > 0) watch(sub);
    return sub;
  }

  function reportInvalid(problem: string, payload: Buffer): void {
    const error = new StoreError(
      'ROUTECACHE_BUS_MESSAGE_INVALID',
      `Bus "redis-bus" ignored a message on "${channel}": ${problem}`,
      {
        context: {
          store: 'redis-bus',
          channel,
          problem,
          bytes: payload.length,
          preview: payload.subarray(0, 64).toString('utf8'),
        },
      },
    );
    warnOnce(
      'ROUTECACHE_BUS_MESSAGE_INVALID',
      `${error.message} (something other than routecache publishes on this channel; later ones are reported through onInvalidMessage only)`,
      channel,
    );
    try {
      onInvalidMessage?.(error);
    } catch {
      // A throwing callback must not reach ioredis' data handler either.
    }
  }

  /** PING the subscriber every `healthCheckInterval`; reconnect it when the path went silent. */
  function watch(sub: Redis | Cluster): void {
    let pinging = false;
    healthTimer = setInterval(() => {
      // 'connect' too: a handshake that stalls (the path went silent while reconnecting) would
      // otherwise wait forever. Other states are ioredis' own (re)connecting.
      const up = sub.status === 'ready' || sub.status === 'connect';
      if (pinging || !up || healthGuard.open) return;
      pinging = true;
      healthGuard
        .run('health check', () => sub.ping())
        .catch(() => {
          // The guard opens on a timeout it trusts (not a timer fired late by a blocked event
          // loop) or after `threshold` failures: the connection is dead though still open.
          // Dropping it makes ioredis reconnect, and the next SUBSCRIBE calls `reconnected()`.
          if (healthGuard.open && subscriber === sub) sub.disconnect(true);
        })
        .finally(() => {
          pinging = false;
        });
    }, healthCheckInterval);
    // Never keeps the process alive on its own.
    healthTimer.unref();
  }

  return {
    ready() {
      if (live) return Promise.resolve();
      subscriber ??= start();
      let settle: (error?: StoreError) => void = ignore;
      const subscribed = new Promise<void>((resolve, reject) => {
        settle = (error) => (error === undefined ? resolve() : reject(error));
        waiting.add(settle);
      });
      return withTimeout(subscribed, readyTimeout).then((live) => {
        if (live !== TIMED_OUT) return;
        waiting.delete(settle);
        throw new StoreError(
          'ROUTECACHE_STORE_TIMEOUT',
          `Bus "redis-bus" not subscribed to "${channel}" within ${readyTimeout} ms`,
          { cause: lastError, context: { store: 'redis-bus', channel, readyTimeout } },
        );
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
      clearInterval(healthTimer);
      healthTimer = undefined;
      subscriber?.disconnect();
      subscriber = undefined;
      if (resolved.owned) client.disconnect();
    },
  };
}
