import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Codec } from '../../codec/types.js';
import { InvalidOptionError } from '../../errors.js';
import { baseKeyOfStorageKey } from '../../keying/storage-key.js';
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

function positive(option: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new InvalidOptionError(option, 'must be a positive number', { context: { value } });
  }
  return value;
}

function nonNegativeInteger(option: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new InvalidOptionError(option, 'must be an integer ≥ 0', { context: { value } });
  }
  return value;
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
    throw new InvalidOptionError('client', 'must be an ioredis Redis or Cluster instance');
  }
  const timeoutMs = positive('timeout', options.timeout ?? 40);
  const breaker = {
    threshold: positive('breaker.threshold', options.breaker?.threshold ?? 3),
    cooldownMs: positive('breaker.cooldownMs', options.breaker?.cooldownMs ?? 1000),
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
  const options: RedisStoreOptions = isClient(input) ? { client: input } : input;
  const prefix = options.prefix ?? 'rc:';
  if (/[{}]/.test(prefix)) {
    throw new InvalidOptionError('prefix', 'must not contain { or } (Redis Cluster hash tags)');
  }
  const codecs = options.codecs ?? [];
  const fenceWindowMs = positive('fenceWindow', options.fenceWindow ?? 60_000);
  if (options.baseKeyOf !== undefined && typeof options.baseKeyOf !== 'function') {
    throw new InvalidOptionError('baseKeyOf', 'must be a function');
  }
  // Validate everything before connecting.
  return {
    prefix,
    codecs,
    fenceWindowMs,
    baseKeyOf: options.baseKeyOf ?? baseKeyOfStorageKey,
    leases: options.leases === true,
    decodeMemoBytes: nonNegativeInteger(
      'decodeMemoBytes',
      options.decodeMemoBytes ?? 8 * 1024 * 1024,
    ),
    ...resolveConnection(options),
  };
}
