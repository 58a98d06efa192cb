import { isPromiseLike } from '../async.js';
import type { Codec } from '../codec/types.js';
import { strongEtag } from '../http/etag.js';
import type { CacheEntry, EntryAddress, Fence } from '../stores/types.js';
import { ENTRY_FORMAT } from '../stores/types.js';
import type { MaybePromise } from '../types.js';
import { warnOnce } from '../warn.js';
import type { CacheEvents } from './events.js';
import type { ResolvedCacheOptions } from './options.js';
import type { FillOutcome } from './single-flight.js';
import { FAILED, type Failed, type StoreCalls } from './store-calls.js';
import type { CacheEventMap } from './types.js';

/** What a fill commits by: the call's policy and its hooks (a {@link LoadRequest} is one). */
export interface CommitRequest {
  /** The call's route, for the `stored` event. */
  route?: string | undefined;
  ttl?: number | undefined;
  staleWhileRevalidate?: number | undefined;
  staleIfError?: number | undefined;
  cacheable?: ((value: never, kind: CacheEntry['kind']) => boolean) | undefined;
  etag?: ((value: never) => string | undefined) | undefined;
}

/**
 * Stores a loaded value: {@link createCommitter}. Answers without a promise when the store's
 * `set` does (the memory store).
 */
export type Committer = (
  address: EntryAddress,
  value: unknown,
  kind: CacheEntry['kind'],
  fence: Fence | Failed,
  request: CommitRequest,
) => MaybePromise<FillOutcome>;

/** A per-call window in seconds, or the cache's default (already in ms). */
export function windowMs(seconds: number | undefined, defaultMs: number): number {
  return seconds === undefined ? defaultMs : seconds * 1000;
}

/** The entry's freshness and stale horizon (ms since the epoch), from the call's policy. */
function lifetime(options: ResolvedCacheOptions, policy: CommitRequest, now: number) {
  const ttlMs = windowMs(policy.ttl, options.ttlMs);
  const { jitter } = options;
  const freshUntil = now + (jitter === 0 ? ttlMs : ttlMs * (1 + jitter * Math.random()));
  const staleMs = Math.max(
    windowMs(policy.staleWhileRevalidate, options.staleWhileRevalidateMs),
    windowMs(policy.staleIfError, options.staleIfErrorMs),
  );
  return { freshUntil, staleUntil: freshUntil + staleMs };
}

/**
 * The value's codec bytes, or `undefined` (warned once) when the codec refuses it. `transient`:
 * bytes only read before the codec runs again ({@link Codec.encodeTransient}), when it has them.
 */
function encode(
  codec: Codec,
  address: EntryAddress,
  value: unknown,
  transient: boolean,
): Uint8Array | undefined {
  try {
    return transient && codec.encodeTransient !== undefined
      ? codec.encodeTransient(value)
      : codec.encode(value);
  } catch (error) {
    warnOnce(
      'ROUTECACHE_UNCACHEABLE_VALUE',
      `Codec "${codec.id}" cannot encode a value of ${address.baseKey}; it is served uncached: ${String(error)}`,
      codec.id,
    );
    return undefined;
  }
}

/**
 * The fill side of the engine: after a load, decide whether to keep the value, encode it once
 * (its bytes give the ETag and the size), build the entry and store it under the fence taken
 * before the load started.
 *
 * A value the codec refuses is served uncached on every store (one-time
 * `ROUTECACHE_UNCACHEABLE_VALUE` warning, `skipped` reason `codec`): without bytes there is no
 * ETag and no size to bound memory by, and a memory-only cache would behave differently from a
 * Redis one for the same route.
 *
 * @example
 * ```ts
 * const commit = createCommitter(options, calls, events);
 * const outcome = await commit(address, value, 'value', fence, request);
 * ```
 */
export function createCommitter(
  options: ResolvedCacheOptions,
  calls: StoreCalls,
  events: CacheEvents,
): Committer {
  const { store, codec } = options;

  function skip(
    address: EntryAddress,
    value: unknown,
    kind: CacheEntry['kind'],
    reason: CacheEventMap['skipped']['reason'],
    etag: string | undefined,
  ): FillOutcome {
    events.skipped(address, reason);
    return { value, kind, etag, stored: false, maxAge: 0 };
  }

  /** The outcome once the store answered `set` for `entry`. */
  function settled(
    address: EntryAddress,
    entry: CacheEntry,
    stored: boolean | Failed,
    route: string | undefined,
    maxAge: number,
  ): FillOutcome {
    const { value, kind, etag } = entry;
    if (stored === FAILED) return skip(address, value, kind, 'store', etag);
    // Refused: fenced out by an invalidation since the load started (or too large for the store).
    if (!stored) return skip(address, value, kind, 'invalidated', etag);
    events.stored(address, entry.size, route);
    return { value, kind, etag, stored: true, maxAge };
  }

  // In-process stores keep the live value; holding its bytes as well would double its memory,
  // and what the entry needs of them (size, ETag) is read before the codec runs again.
  const keepBytes = store.requiresBytes;

  return function commit(address, value, kind, fence, request) {
    // `never` parameters: the hooks were typed for the caller's own T, which `value` is.
    const typed = value as never;
    if (request.cacheable !== undefined && !request.cacheable(typed, kind)) {
      return skip(address, value, kind, 'uncacheable', undefined);
    }
    const now = Date.now();
    const { freshUntil, staleUntil } = lifetime(options, request, now);
    // ttl 0 without stale windows: nothing would survive the store's expiry check.
    if (staleUntil <= now) return skip(address, value, kind, 'uncacheable', undefined);
    // An `etag` hook may run the codec itself, overwriting transient bytes before they are hashed.
    const bytes = encode(codec, address, value, !keepBytes && request.etag === undefined);
    if (bytes === undefined) return skip(address, value, kind, 'codec', undefined);
    const etag = request.etag?.(typed) ?? strongEtag(bytes);
    if (fence === FAILED) return skip(address, value, kind, 'store', etag);

    const entry: CacheEntry = {
      format: ENTRY_FORMAT,
      codec: codec.id,
      kind,
      value,
      bytes: keepBytes ? bytes : undefined,
      etag,
      storedAt: now,
      freshUntil,
      staleUntil,
      tags: address.tags,
      size: bytes.length,
    };
    const { route } = request;
    const maxAge = Math.floor((freshUntil - now) / 1000);
    const stored = calls.run('set', () => store.set(address, entry, fence));
    if (!isPromiseLike(stored)) return settled(address, entry, stored, route, maxAge);
    return stored.then((answer) => settled(address, entry, answer, route, maxAge));
  };
}
