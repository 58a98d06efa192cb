import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Codec } from '../../codec/types.js';
import { InvalidOptionError } from '../../errors.js';
import { baseKeyOfStorageKey } from '../../keying/storage-key.js';
import {
  type NumberRule,
  numberOption,
  optionKeys,
  optionsObject,
  received,
} from '../../options/validate.js';
import type { BreakerOptions, RedisStatusListener } from './guard.js';

/**
 * Where to connect (an existing client, connection options / URL, or cluster nodes) and how to
 * fail open. Shared by `redisStore` and `redisBus`.
 *
 * @example
 * ```ts
 * redisStore({ cluster: { nodes: [{ host: '10.0.0.1', port: 6379 }] }, timeout: 30 });
 * ```
 */
export interface RedisConnectionOptions {
  /** An existing `Redis` or `Cluster` client (not closed by `dispose`). */
  client?: Redis | Cluster;
  /**
   * Options or a `redis://` URL for a client the store creates (and closes on `dispose`).
   * Replies use the default (`legacy`) mapping, which the store's scripts rely on.
   */
  connection?: Omit<RedisOptions, 'replyMapping'> | string;
  /** Seed nodes (and options) for a `Cluster` client the store creates. */
  cluster?: { nodes: readonly ClusterNode[]; options?: ClusterOptions };
  /** Budget of one Redis call, ms; keep it below the engine's `storeTimeout`. @default 40 */
  timeout?: number;
  /** Circuit breaker. @default { threshold: 3, cooldownMs: 1000 } */
  breaker?: BreakerOptions;
  /** Told once when an outage starts (`'down'`, with the first error) and when it ends (`'up'`). */
  onStatus?: RedisStatusListener;
}

/**
 * Options of `redisStore`.
 *
 * @example
 * ```ts
 * redisStore({ connection: { host: '127.0.0.1', port: 6379 }, prefix: 'shop:', leases: true });
 * ```
 */
export interface RedisStoreOptions extends RedisConnectionOptions {
  /** Prefix of every Redis key; must not contain `{` or `}`. @default 'rc:' */
  prefix?: string;
  /**
   * Codecs entries may be written with; the first is the cache's codec (pass the same as
   * `createCache({ codec, readCodecs })`). @default [defaultCodec]
   */
  codecs?: readonly Codec[];
  /**
   * Longest time (ms) between `fence` and `set` of one fill: a loader slower than this has its
   * result served but not stored. Generations and tag registrations live this long.
   * @default 60000
   */
  fenceWindow?: number;
  /**
   * The base key of a storage key (all variants of a base key live in its slot). Change it only
   * for keys not made by routecache's keying. @default the keying grammar (`baseKey#variant`)
   */
  baseKeyOf?: (key: string) => string;
  /**
   * Cross-instance stampede protection: a short Redis lease per missing key, so N instances
   * missing it run the loader once (the engine's `leaseTimeout` sets its ttl). A lost lease
   * falls back to loading locally. @default false
   */
  leases?: boolean;
  /**
   * Budget of the decode memo, in heap bytes its memos keep alive (envelope copy, decoded entry
   * with its live value, key; estimated like `memoryStore`'s `maxBytes`): a hit whose bytes
   * equal the last decode of that key reuses it instead of decoding again. Hits of an unchanged entry then share one
   * value object between requests (as with the memory store): treat cached values as immutable,
   * or set `0` to decode a fresh object for every hit (one codec run per hit).
   * @default 8388608 (8 MiB)
   */
  decodeMemoBytes?: number;
  /**
   * How long the first connection may take, ms: `ready()` rejects after it, and calls made
   * before it that run out of budget waiting are misses, not an outage (no breaker trip, no
   * `'down'`). After it, or once a connection attempt failed, a client not ready is an outage.
   * @default 5000
   */
  readyTimeout?: number;
}

/** @internal Options resolved once, at factory time. */
export interface ResolvedConnection {
  client: Redis | Cluster;
  owned: boolean;
  timeoutMs: number;
  breaker: Required<BreakerOptions>;
  onStatus: RedisStatusListener | undefined;
}

/** @internal */
export interface ResolvedStoreOptions extends ResolvedConnection {
  prefix: string;
  codecs: readonly Codec[];
  fenceWindowMs: number;
  baseKeyOf: (key: string) => string;
  leases: boolean;
  decodeMemoBytes: number;
  readyTimeoutMs: number;
}

// Commands must fail fast while disconnected (the guard turns that into a miss), and reconnect
// quickly after an outage.
const FAIL_FAST = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  retryStrategy: (times: number) => Math.min(times * 50, 1000),
} satisfies RedisOptions;

/** @internal Whether `value` is an ioredis client (duck-typed: another copy of ioredis may have made it). */
export function isClient(value: unknown): value is Redis | Cluster {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getBuffer?: unknown }).getBuffer === 'function' &&
    typeof (value as { status?: unknown }).status === 'string'
  );
}

/** @internal Whether a client is a `Cluster`. */
export function isCluster(client: Redis | Cluster): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

const POSITIVE: NumberRule = { min: 0, aboveMin: true };
const CONNECTION_OPTIONS = optionKeys<RedisConnectionOptions>({
  client: true,
  connection: true,
  cluster: true,
  timeout: true,
  breaker: true,
  onStatus: true,
});
const BREAKER_OPTIONS = optionKeys<BreakerOptions>({ threshold: true, cooldownMs: true });
const CLUSTER_OPTIONS = optionKeys<Required<RedisConnectionOptions>['cluster']>({
  nodes: true,
  options: true,
});
const STORE_OPTIONS = connectionOptionKeys<RedisStoreOptions>({
  prefix: true,
  codecs: true,
  fenceWindow: true,
  baseKeyOf: true,
  leases: true,
  decodeMemoBytes: true,
  readyTimeout: true,
});

/**
 * @internal The option names of a factory taking {@link RedisConnectionOptions} plus `own`
 * (checked against its options type `T`), for `optionsObject`.
 */
export function connectionOptionKeys<T extends RedisConnectionOptions>(
  own: {
    readonly [K in Exclude<keyof Required<T>, keyof RedisConnectionOptions>]: true;
  },
): readonly string[] {
  return Object.freeze([...CONNECTION_OPTIONS, ...Object.keys(own)]);
}

/** @internal Validate connection options and create the client when asked to. */
export function resolveConnection(options: RedisConnectionOptions): ResolvedConnection {
  const given = [options.client, options.connection, options.cluster].filter(
    (v) => v !== undefined,
  );
  if (given.length > 1) {
    throw new InvalidOptionError('client', 'give at most one of client, connection, cluster');
  }
  if (options.client !== undefined && !isClient(options.client)) {
    throw new InvalidOptionError(
      'client',
      `must be an ioredis Redis or Cluster instance, ${received(options.client)}`,
    );
  }
  const timeoutMs = numberOption('timeout', options.timeout, POSITIVE) ?? 40;
  if (options.cluster !== undefined) optionsObject(options.cluster, CLUSTER_OPTIONS, 'cluster');
  const breakerOptions = optionsObject(options.breaker ?? {}, BREAKER_OPTIONS, 'breaker');
  const breaker = {
    threshold: numberOption('breaker.threshold', breakerOptions.threshold, POSITIVE) ?? 3,
    cooldownMs: numberOption('breaker.cooldownMs', breakerOptions.cooldownMs, POSITIVE) ?? 1000,
  };
  return {
    client: options.client ?? createClient(options),
    owned: options.client === undefined,
    timeoutMs,
    breaker,
    onStatus: options.onStatus,
  };
}

function createClient(options: RedisConnectionOptions): Redis | Cluster {
  const client = newClient(options);
  // Connection errors reach callers through the guard (once per outage); an 'error' event
  // without a listener would only make ioredis log "Unhandled error event" for every retry.
  client.on('error', () => {});
  return client;
}

function newClient(options: RedisConnectionOptions): Redis | Cluster {
  if (options.cluster !== undefined) {
    return new Cluster([...options.cluster.nodes], {
      ...options.cluster.options,
      enableOfflineQueue: false,
      clusterRetryStrategy: FAIL_FAST.retryStrategy,
      redisOptions: {
        ...withoutReplyMapping(options.cluster.options?.redisOptions),
        maxRetriesPerRequest: FAIL_FAST.maxRetriesPerRequest,
        autoResendUnfulfilledCommands: false,
      },
    });
  }
  const connection = options.connection;
  if (typeof connection === 'string') return new Redis(connection, FAIL_FAST);
  return new Redis({ ...connection, ...FAIL_FAST });
}

function withoutReplyMapping<T extends { replyMapping?: unknown }>(
  options: T | undefined,
): Omit<T, 'replyMapping'> {
  const { replyMapping: _ignored, ...rest } = options ?? ({} as T);
  return rest;
}

/** @internal */
export function resolveStoreOptions(
  input: RedisStoreOptions | Redis | Cluster,
): ResolvedStoreOptions {
  const options: RedisStoreOptions = isClient(input)
    ? { client: input }
    : optionsObject(input, STORE_OPTIONS);
  const prefix = options.prefix ?? 'rc:';
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw new InvalidOptionError(
      'prefix',
      `must be a string without { or } (Redis Cluster hash tags), ${received(prefix)}`,
    );
  }
  const codecs = options.codecs ?? [];
  const fenceWindowMs = numberOption('fenceWindow', options.fenceWindow, POSITIVE) ?? 60_000;
  if (options.baseKeyOf !== undefined && typeof options.baseKeyOf !== 'function') {
    throw new InvalidOptionError('baseKeyOf', `must be a function, ${received(options.baseKeyOf)}`);
  }
  // Validate everything before connecting.
  return {
    prefix,
    codecs,
    fenceWindowMs,
    baseKeyOf: options.baseKeyOf ?? baseKeyOfStorageKey,
    leases: options.leases === true,
    decodeMemoBytes:
      numberOption('decodeMemoBytes', options.decodeMemoBytes, {
        min: 0,
        integer: true,
        unit: 'bytes',
      }) ?? 8 * 1024 * 1024,
    readyTimeoutMs: numberOption('readyTimeout', options.readyTimeout, POSITIVE) ?? 5_000,
    ...resolveConnection(options),
  };
}
