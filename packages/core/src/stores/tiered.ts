import { InvalidOptionError } from '../errors.js';
import { baseKeyOfStorageKey } from '../keying/storage-key.js';
import { optionKeys, optionsObject, received } from '../options/validate.js';
import type { MaybePromise } from '../types.js';
import type { Bus, BusMessage } from './bus.js';
import {
  type CacheEntry,
  type CacheStore,
  type EntryAddress,
  type Fence,
  type StoreInvalidation,
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

function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function checkStore(store: unknown, option: string): CacheStore {
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof (store as CacheStore).get !== 'function'
  ) {
    throw new InvalidOptionError(
      option,
      `must be a CacheStore (e.g. memoryStore(), redisStore()), ${received(store)}`,
    );
  }
  return store as CacheStore;
}

/**
 * Two tiers: an in-process L1 in front of a shared L2, kept coherent across instances by a bus.
 *
 * - An L1 hit answers synchronously and never touches L2.
 * - An L2 hit fills L1. A fill commits to L2 first (under L2's fence) and then to L1. L1 entries
 *   hold both the live value and its encoded bytes; a `memoryStore` L1 accounts both.
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
  const { bus } = options;
  const baseKeyOf = options.baseKeyOf ?? baseKeyOfStorageKey;
  if (typeof baseKeyOf !== 'function') {
    throw new InvalidOptionError('baseKeyOf', `must be a function, ${received(baseKeyOf)}`);
  }
  let epoch = 0;

  function ignore(): void {}

  /** Apply an invalidation to L1 now; fills in flight will not re-enter L1. */
  function dropLocal(drop: () => unknown): void {
    epoch++;
    try {
      const done = drop();
      if (isPromiseLike(done)) done.catch(ignore);
    } catch {
      // An L1 failure leaves nothing worse than before; L2 is authoritative.
    }
  }

  function applyMessage(message: BusMessage): void {
    switch (message.type) {
      case 'invalidate':
        for (const baseKey of message.baseKeys) dropLocal(() => l1.invalidate(baseKey));
        break;
      case 'invalidateTags':
        dropLocal(() => l1.invalidateTags(message.tags));
        break;
      case 'delete':
        for (const key of message.keys) dropLocal(() => l1.delete(key));
        break;
      case 'clear':
        dropLocal(() => l1.clear());
        break;
    }
  }

  // The engine listens to detach its fills in flight (see CacheStore.onInvalidate).
  const invalidationListeners = new Set<(invalidation: StoreInvalidation) => void>();
  const unsubscribe = bus?.subscribe({
    message(message) {
      applyMessage(message);
      for (const listener of invalidationListeners) listener(message);
    },
    reconnected() {
      dropLocal(() => l1.clear());
      for (const listener of invalidationListeners) listener({ type: 'clear' });
    },
  });

  async function fillL1(address: EntryAddress, entry: CacheEntry, at: number, fence?: Fence) {
    if (at !== epoch) return false;
    const l1Fence = fence ?? (await l1.fence(address));
    if (at !== epoch) return false;
    return l1.set(address, entry, l1Fence);
  }

  function fromL2(key: string): Promise<CacheEntry | undefined> {
    const at = epoch;
    return Promise.resolve(l2.get(key)).then((entry) => {
      if (entry !== undefined) {
        const address = { key, baseKey: baseKeyOf(key), tags: entry.tags };
        fillL1(address, entry, at).catch(ignore);
      }
      return entry;
    });
  }

  async function broadcast(message: BusMessage): Promise<void> {
    if (bus !== undefined) await bus.publish(message);
  }

  const store: CacheStore = {
    name: 'tiered',
    requiresBytes: l1.requiresBytes || l2.requiresBytes,
    get(key) {
      const hit = l1.get(key);
      if (isPromiseLike(hit)) return hit.then((entry) => entry ?? fromL2(key));
      return hit ?? fromL2(key);
    },
    async fence(address) {
      const [f1, f2] = await Promise.all([
        l1.fence(address),
        Promise.resolve()
          .then(() => l2.fence(address))
          .catch(() => UNAVAILABLE_FENCE),
      ]);
      return new TieredFence(f1, f2);
    },
    async set(address, entry, fence) {
      if (!(fence instanceof TieredFence)) return false;
      const at = epoch;
      const l1Only = () => fillL1(address, entry, at, fence.l1).catch(() => false);
      if (fence.l2 === UNAVAILABLE_FENCE) return l1Only();
      let stored: boolean;
      try {
        stored = await l2.set(address, entry, fence.l2);
      } catch {
        return l1Only(); // L2 went down during the fill: the L1 copy keeps serving this instance
      }
      if (!stored) return false;
      await fillL1(address, entry, at, fence.l1).catch(ignore);
      return true;
    },
    async delete(key) {
      let existed = false;
      try {
        existed = await l2.delete(key);
      } finally {
        dropLocal(() => l1.delete(key));
      }
      await broadcast({ type: 'delete', keys: [key] });
      return existed;
    },
    async invalidate(baseKey) {
      let removed: number;
      try {
        removed = await l2.invalidate(baseKey);
      } finally {
        dropLocal(() => l1.invalidate(baseKey));
      }
      await broadcast({ type: 'invalidate', baseKeys: [baseKey] });
      return removed;
    },
    async invalidateTags(tags) {
      if (tags.length === 0) return 0;
      let removed: number;
      try {
        removed = await l2.invalidateTags(tags);
      } finally {
        dropLocal(() => l1.invalidateTags(tags));
      }
      await broadcast({ type: 'invalidateTags', tags });
      return removed;
    },
    async clear() {
      try {
        await l2.clear();
      } finally {
        dropLocal(() => l1.clear());
      }
      await broadcast({ type: 'clear' });
    },
    onEvict(listener) {
      l1.onEvict?.(listener);
      l2.onEvict?.(listener);
    },
    onInvalidate(listener) {
      invalidationListeners.add(listener);
      return () => invalidationListeners.delete(listener);
    },
    async dispose() {
      unsubscribe?.();
      await Promise.all([l1.dispose?.(), l2.dispose?.(), bus?.dispose?.()]);
    },
  };
  const acquire = l2.acquireLease;
  if (acquire !== undefined) {
    // Leases coordinate instances, so they live in the shared tier.
    store.acquireLease = (address, ttlMs) => acquire.call(l2, address, ttlMs);
  }
  return store;
}
