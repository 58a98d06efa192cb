import { ignore, isPromiseLike } from '../async.js';
import { InvalidOptionError } from '../errors.js';
import { baseKeyOfStorageKey } from '../keying/storage-key.js';
import { optionKeys, optionsObject, received } from '../options/validate.js';
import type { Bus, BusMessage } from './bus.js';
import { checkStore } from './check-store.js';
import {
  type CacheEntry,
  type CacheStore,
  type EntryAddress,
  type EvictListener,
  type Fence,
  type Lease,
  type StoreInvalidation,
  type StoreStats,
  UNAVAILABLE_FENCE,
} from './types.js';

/** Options of {@link tieredStore}. */
export interface TieredStoreOptions {
  /** The in-process tier, e.g. `memoryStore()`. */
  l1: CacheStore;
  /** The shared tier, e.g. `redisStore()`. */
  l2: CacheStore;
  /**
   * Carries invalidations to the other instances' L1 (`redisBus()`). Without it, only this
   * instance's L1 follows invalidations: use that for a single instance only.
   */
  bus?: Bus;
  /**
   * The base key of a storage key, to index L1 copies of L2 hits (whose address `get` does not
   * receive). @default the keying grammar (`baseKey#variant`)
   */
  baseKeyOf?: (key: string) => string;
}

const KNOWN_OPTIONS = optionKeys<TieredStoreOptions>({
  l1: true,
  l2: true,
  bus: true,
  baseKeyOf: true,
});

/** Fences of both tiers, taken together. */
class TieredFence {
  constructor(
    readonly l1: Fence,
    readonly l2: Fence,
  ) {}
}

/**
 * This instance's L1 and its invalidation epoch. Every invalidation applied here bumps the
 * epoch; a copy read from L2 or committed to L2 enters L1 only if the epoch did not move while
 * it was in flight (it might predate the invalidation otherwise).
 */
class LocalTier {
  #epoch = 0;

  constructor(readonly store: CacheStore) {}

  /** The epoch to pass to {@link LocalTier.fill} for a copy that starts its way now. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Apply an invalidation to L1 now; fills in flight will not re-enter L1. */
  drop(drop: (l1: CacheStore) => unknown): void {
    this.#epoch++;
    try {
      const done = drop(this.store);
      if (isPromiseLike(done)) done.catch(ignore);
    } catch {
      // An L1 failure leaves nothing worse than before; L2 is authoritative.
    }
  }

  /** Apply an invalidation another instance broadcast. */
  apply(message: BusMessage): void {
    switch (message.type) {
      case 'invalidate':
        for (const baseKey of message.baseKeys) this.drop((l1) => l1.invalidate(baseKey));
        break;
      case 'invalidateTags':
        this.drop((l1) => l1.invalidateTags(message.tags));
        break;
      case 'delete':
        for (const key of message.keys) this.drop((l1) => l1.delete(key));
        break;
      case 'clear':
        this.drop((l1) => l1.clear());
        break;
    }
  }

  /** Store a copy in L1, unless an invalidation came since `at` (under `fence`, or a new one). */
  async fill(
    address: EntryAddress,
    entry: CacheEntry,
    at: number,
    fence?: Fence,
  ): Promise<boolean> {
    if (at !== this.#epoch) return false;
    const l1Fence = fence ?? (await this.store.fence(address));
    if (at !== this.#epoch) return false;
    return this.store.set(address, this.#local(entry), l1Fence);
  }

  /** The copy L1 keeps: an in-process L1 never reads the encoded bytes, so it does not hold them. */
  #local(entry: CacheEntry): CacheEntry {
    if (this.store.requiresBytes || entry.bytes === undefined) return entry;
    return { ...entry, bytes: undefined };
  }
}

/** The store {@link tieredStore} returns; see its comment. */
class TieredStore implements CacheStore {
  readonly name = 'tiered';
  readonly requiresBytes: boolean;
  acquireLease?: (address: EntryAddress, ttlMs: number) => Promise<Lease>;
  readonly #local: LocalTier;
  readonly #l2: CacheStore;
  readonly #bus: Bus | undefined;
  readonly #baseKeyOf: (key: string) => string;
  // The engine listens to detach its fills in flight (see CacheStore.onInvalidate).
  readonly #listeners = new Set<(invalidation: StoreInvalidation) => void>();
  readonly #unsubscribe: (() => void) | undefined;

  constructor(
    l1: CacheStore,
    l2: CacheStore,
    bus: Bus | undefined,
    baseKeyOf: (key: string) => string,
  ) {
    this.#local = new LocalTier(l1);
    this.#l2 = l2;
    this.#bus = bus;
    this.#baseKeyOf = baseKeyOf;
    this.requiresBytes = l1.requiresBytes || l2.requiresBytes;
    this.#unsubscribe = bus?.subscribe({
      message: (message) => {
        this.#local.apply(message);
        this.#report(message);
      },
      reconnected: () => {
        this.#local.drop((store) => store.clear());
        this.#report({ type: 'clear' });
      },
    });
    const acquire = l2.acquireLease;
    // Leases coordinate instances, so they live in the shared tier.
    if (acquire !== undefined)
      this.acquireLease = (address, ttlMs) => acquire.call(l2, address, ttlMs);
  }

  get(key: string, now?: number) {
    // The caller's clock reading reaches L1 (a memory hit then reads the clock once); L2 answers
    // later, so it judges expiry at its answer.
    const hit = this.#local.store.get(key, now);
    if (isPromiseLike(hit)) return hit.then((entry) => entry ?? this.#fromL2(key));
    return hit ?? this.#fromL2(key);
  }

  async fence(address: EntryAddress): Promise<Fence> {
    const [f1, f2] = await Promise.all([
      this.#local.store.fence(address),
      Promise.resolve()
        .then(() => this.#l2.fence(address))
        .catch(() => UNAVAILABLE_FENCE),
    ]);
    return new TieredFence(f1, f2);
  }

  async set(address: EntryAddress, entry: CacheEntry, fence: Fence): Promise<boolean> {
    if (!(fence instanceof TieredFence)) return false;
    const local = this.#local;
    const at = local.epoch;
    const l1Only = () => local.fill(address, entry, at, fence.l1).catch(() => false);
    if (fence.l2 === UNAVAILABLE_FENCE) return l1Only();
    let stored: boolean;
    try {
      stored = await this.#l2.set(address, entry, fence.l2);
    } catch {
      return l1Only(); // L2 went down during the fill: the L1 copy keeps serving this instance
    }
    if (!stored) return false;
    await local.fill(address, entry, at, fence.l1).catch(ignore);
    return true;
  }

  delete(key: string): Promise<boolean> {
    return this.#everywhere(
      () => this.#l2.delete(key),
      (l1) => l1.delete(key),
      { type: 'delete', keys: [key] },
    );
  }

  invalidate(baseKey: string): Promise<number> {
    return this.#everywhere(
      () => this.#l2.invalidate(baseKey),
      (l1) => l1.invalidate(baseKey),
      { type: 'invalidate', baseKeys: [baseKey] },
    );
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    if (tags.length === 0) return 0;
    return this.#everywhere(
      () => this.#l2.invalidateTags(tags),
      (l1) => l1.invalidateTags(tags),
      { type: 'invalidateTags', tags },
    );
  }

  clear(): Promise<void> {
    return this.#everywhere(
      () => this.#l2.clear(),
      (l1) => l1.clear(),
      { type: 'clear' },
    );
  }

  onEvict(listener: EvictListener): void {
    this.#local.store.onEvict?.((key, reason) => listener(key, reason, 'L1'));
    this.#l2.onEvict?.((key, reason) => listener(key, reason, 'L2'));
  }

  /** L1's bytes and bound, L2's breaker. */
  stats(): StoreStats {
    const l1 = this.#local.store.stats?.();
    const l2 = this.#l2.stats?.();
    return { bytes: l1?.bytes, maxBytes: l1?.maxBytes, breaker: l2?.breaker };
  }

  onInvalidate(listener: (invalidation: StoreInvalidation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.#unsubscribe?.();
    await Promise.all([
      this.#local.store.dispose?.(),
      this.#l2.dispose?.(),
      this.#bus?.dispose?.(),
    ]);
  }

  /** An L2 read; a hit is copied into L1 unless an invalidation came while it was in flight. */
  #fromL2(key: string): Promise<CacheEntry | undefined> {
    const at = this.#local.epoch;
    return Promise.resolve(this.#l2.get(key)).then((entry) => {
      if (entry !== undefined) {
        const address = { key, baseKey: this.#baseKeyOf(key), tags: entry.tags };
        this.#local.fill(address, entry, at).catch(ignore);
      }
      return entry;
    });
  }

  /**
   * An invalidation: L2 first (its failure rejects), then this instance's L1 (even when L2
   * failed), then over the bus to the other instances' L1.
   */
  async #everywhere<R>(
    inL2: () => R | Promise<R>,
    inL1: (l1: CacheStore) => unknown,
    message: BusMessage,
  ): Promise<R> {
    let result: R;
    try {
      result = await inL2();
    } finally {
      this.#local.drop(inL1);
    }
    if (this.#bus !== undefined) await this.#bus.publish(message);
    return result;
  }

  /** Tell the engine of an invalidation that came over the bus. */
  #report(invalidation: StoreInvalidation): void {
    for (const listener of this.#listeners) listener(invalidation);
  }
}

/**
 * Two tiers: an in-process L1 in front of a shared L2, kept coherent across instances by a bus.
 *
 * - An L1 hit answers synchronously and never touches L2.
 * - An L2 hit fills L1. A fill commits to L2 first (under L2's fence) and then to L1. An
 *   in-process L1 (`requiresBytes: false`, e.g. `memoryStore`) keeps the live value without the
 *   encoded bytes L2 needed.
 * - While L2 is down (its fence or write fails), fills go to L1 alone, so an outage does not
 *   send every call to the loader. Those copies live at most their ttl, and the bus
 *   reconnect that follows an outage drops the whole L1.
 * - Invalidations go to L2, then to this instance's L1, then over the bus to every other
 *   instance's L1. When the bus reconnects (messages may have been lost), L1 is dropped whole.
 * - No resurrection: every invalidation this instance applies (local or from the bus) bumps an
 *   epoch; a copy read from L2 or committed to L2 enters L1 only if the epoch did not move
 *   while it was in flight — otherwise it might predate the invalidation. Invalidations from
 *   the bus (and reconnects, as `clear`) are also reported through `onInvalidate`, so the
 *   engine stops handing local callers a load that started before them.
 *
 * @throws {InvalidOptionError} when `l1` or `l2` is not a store.
 * @example
 * ```ts
 * import { createCache, memoryStore, tieredStore } from '@routecache/core';
 * import { redisBus, redisStore } from '@routecache/core/redis';
 *
 * const store = tieredStore({
 *   l1: memoryStore({ maxBytes: 16 * 1024 * 1024 }),
 *   l2: redisStore({ connection: 'redis://127.0.0.1:6379' }),
 *   bus: redisBus({ connection: 'redis://127.0.0.1:6379' }),
 * });
 * const cache = createCache({ store });
 * ```
 */
export function tieredStore(options: TieredStoreOptions): CacheStore {
  optionsObject(options, KNOWN_OPTIONS);
  const l1 = checkStore(options.l1, 'l1');
  const l2 = checkStore(options.l2, 'l2');
  const baseKeyOf = options.baseKeyOf ?? baseKeyOfStorageKey;
  if (typeof baseKeyOf !== 'function') {
    throw new InvalidOptionError('baseKeyOf', `must be a function, ${received(baseKeyOf)}`);
  }
  return new TieredStore(l1, l2, options.bus, baseKeyOf);
}
