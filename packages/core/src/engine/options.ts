import { codecMap, defaultCodec } from '../codec/index.js';
import type { Codec } from '../codec/types.js';
import { InvalidOptionError } from '../errors.js';
import { validateNamespace } from '../keying/index.js';
import {
  type NumberRule,
  numberOption,
  optionKeys,
  optionsObject,
  received,
} from '../options/validate.js';
import { checkStore } from '../stores/check-store.js';
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

const KNOWN_OPTIONS = optionKeys<CacheOptions>({
  store: true,
  namespace: true,
  namespacePolicy: true,
  codec: true,
  readCodecs: true,
  ttl: true,
  jitter: true,
  staleWhileRevalidate: true,
  staleIfError: true,
  storeTimeout: true,
  leaseTimeout: true,
  // Validated by createPurges, which needs the cache's events.
  purger: true,
});
const SECONDS: NumberRule = { min: 0, unit: 'seconds' };
const MILLISECONDS: NumberRule = { min: 0, aboveMin: true, unit: 'milliseconds' };

/**
 * Validate {@link CacheOptions} once, at factory time, and resolve their defaults.
 *
 * @throws {InvalidOptionError} naming the first invalid or unknown option.
 * @example
 * ```ts
 * resolveCacheOptions({ ttl: 30 }).ttlMs; // 30000
 * ```
 */
export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  optionsObject(options, KNOWN_OPTIONS);
  const namespacePolicy = options.namespacePolicy ?? 'concat';
  if (namespacePolicy !== 'concat' && namespacePolicy !== 'replace') {
    throw new InvalidOptionError(
      'namespacePolicy',
      `must be 'concat' or 'replace', ${received(namespacePolicy)}`,
      { context: { value: namespacePolicy } },
    );
  }
  if (options.namespace !== undefined) validateNamespace(options.namespace, 'namespace');
  const codec = options.codec ?? defaultCodec;
  // Rejects a malformed codec or two read codecs sharing an id.
  codecMap(codec, options.readCodecs);
  const seconds = (option: keyof CacheOptions, fallback: number) =>
    (numberOption(option, options[option], SECONDS) ?? fallback) * 1000;
  return {
    store: options.store === undefined ? memoryStore() : checkStore(options.store, 'store'),
    namespace: options.namespace,
    namespacePolicy,
    codec,
    ttlMs: seconds('ttl', DEFAULT_TTL),
    jitter: numberOption('jitter', options.jitter, { min: 0, max: 1 }) ?? 0,
    staleWhileRevalidateMs: seconds('staleWhileRevalidate', 0),
    staleIfErrorMs: seconds('staleIfError', 0),
    storeTimeoutMs:
      numberOption('storeTimeout', options.storeTimeout, MILLISECONDS) ?? DEFAULT_STORE_TIMEOUT,
    leaseTimeoutMs:
      numberOption('leaseTimeout', options.leaseTimeout, MILLISECONDS) ?? DEFAULT_LEASE_TIMEOUT,
  };
}
