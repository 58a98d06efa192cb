import { codecMap, defaultCodec } from '../codec/index.js';
import type { Codec } from '../codec/types.js';
import { InvalidOptionError } from '../errors.js';
import { validateNamespace } from '../keying/index.js';
import { memoryStore } from '../stores/memory.js';
import type { CacheStore } from '../stores/types.js';
import type { CacheOptions, NamespacePolicy } from './types.js';

/** {@link CacheOptions} with every default applied and every duration in milliseconds. */
export interface ResolvedCacheOptions {
  readonly store: CacheStore;
  readonly namespace: string | undefined;
  readonly namespacePolicy: NamespacePolicy;
  readonly codec: Codec;
  readonly ttlMs: number;
  readonly jitter: number;
  readonly staleWhileRevalidateMs: number;
  readonly staleIfErrorMs: number;
  readonly storeTimeoutMs: number;
  readonly leaseTimeoutMs: number;
}

/**
 * Default `ttl`, seconds.
 *
 * @example
 * ```ts
 * createCache().getOrLoad({ baseKey, load }); // stored for DEFAULT_TTL (60) seconds
 * ```
 */
export const DEFAULT_TTL = 60;
/**
 * Default `storeTimeout`, milliseconds.
 *
 * @example
 * ```ts
 * createCache({ storeTimeout: DEFAULT_STORE_TIMEOUT * 4 }); // a slower, remote store
 * ```
 */
export const DEFAULT_STORE_TIMEOUT = 50;
/**
 * Default `leaseTimeout`, milliseconds.
 *
 * @example
 * ```ts
 * createCache({ store, leaseTimeout: DEFAULT_LEASE_TIMEOUT / 5 }); // loads that finish within 1 s
 * ```
 */
export const DEFAULT_LEASE_TIMEOUT = 5_000;

const STORE_METHODS = [
  'get',
  'fence',
  'set',
  'delete',
  'invalidate',
  'invalidateTags',
  'clear',
] as const;

/**
 * Validate {@link CacheOptions} once, at factory time, and resolve their defaults.
 *
 * @throws {InvalidOptionError} naming the first invalid option.
 * @example
 * ```ts
 * resolveCacheOptions({ ttl: 30 }).ttlMs; // 30000
 * ```
 */
export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  const namespacePolicy = options.namespacePolicy ?? 'concat';
  if (namespacePolicy !== 'concat' && namespacePolicy !== 'replace') {
    throw new InvalidOptionError('namespacePolicy', "must be 'concat' or 'replace'", {
      context: { value: namespacePolicy },
    });
  }
  if (options.namespace !== undefined) validateNamespace(options.namespace, 'namespace');
  const codec = options.codec ?? defaultCodec;
  // Rejects a malformed codec or two read codecs sharing an id.
  codecMap(codec, options.readCodecs);

  const jitter = options.jitter ?? 0;
  if (!(Number.isFinite(jitter) && jitter >= 0 && jitter <= 1)) {
    throw new InvalidOptionError('jitter', 'must be a number in [0, 1]', {
      context: { value: jitter },
    });
  }
  const storeTimeout = options.storeTimeout ?? DEFAULT_STORE_TIMEOUT;
  if (!(Number.isFinite(storeTimeout) && storeTimeout > 0)) {
    throw new InvalidOptionError(
      'storeTimeout',
      'must be a finite number of milliseconds above 0',
      {
        context: { value: storeTimeout },
      },
    );
  }
  return {
    store: options.store === undefined ? memoryStore() : checkStore(options.store),
    namespace: options.namespace,
    namespacePolicy,
    codec,
    ttlMs: seconds('ttl', options.ttl ?? DEFAULT_TTL),
    jitter,
    staleWhileRevalidateMs: seconds('staleWhileRevalidate', options.staleWhileRevalidate ?? 0),
    staleIfErrorMs: seconds('staleIfError', options.staleIfError ?? 0),
    storeTimeoutMs: milliseconds('storeTimeout', options.storeTimeout ?? DEFAULT_STORE_TIMEOUT),
    leaseTimeoutMs: milliseconds('leaseTimeout', options.leaseTimeout ?? DEFAULT_LEASE_TIMEOUT),
  };
}

/** A duration option in seconds (finite, ≥ 0), converted to milliseconds. */
export function seconds(option: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new InvalidOptionError(option, 'must be a finite number of seconds ≥ 0', {
      context: { value },
    });
  }
  return value * 1000;
}

/** A budget option in milliseconds: finite and above 0. */
function milliseconds(option: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new InvalidOptionError(option, 'must be a finite number of milliseconds above 0', {
      context: { value },
    });
  }
  return value;
}

function checkStore(store: CacheStore): CacheStore {
  if (typeof store !== 'object' || store === null) {
    throw new InvalidOptionError('store', 'must be a CacheStore object (e.g. memoryStore())');
  }
  if (typeof store.name !== 'string' || typeof store.requiresBytes !== 'boolean') {
    throw new InvalidOptionError(
      'store',
      'must have a string `name` and a boolean `requiresBytes`',
    );
  }
  for (const method of STORE_METHODS) {
    if (typeof store[method] !== 'function') {
      throw new InvalidOptionError('store', `must implement ${method}()`, {
        context: { store: store.name },
      });
    }
  }
  return store;
}
