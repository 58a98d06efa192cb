// Type tests for what app authors write against the root (createCache, Cache, stores) and what
// store authors implement (the CacheStore contract), imported through the entry points
// themselves so a type that stops being reachable from them fails here.
import { describe, expectTypeOf, it } from 'vitest';
import type { EntryAddress, Fence, Lease, MaybePromise, StoreInvalidation } from './adapter.js';
import {
  type Cache,
  type CacheEntry,
  type CacheEventMap,
  type CacheOptions,
  type CacheStatus,
  type CacheStore,
  type Codec,
  createCache,
  devalueCodec,
  type EvictionReason,
  type MemoryStoreOptions,
  memoryStore,
  type TieredStoreOptions,
  tieredStore,
} from './index.js';

describe('createCache options', () => {
  it('takes no options at all, or a CacheOptions object, and returns a Cache', () => {
    expectTypeOf(createCache).parameter(0).toEqualTypeOf<CacheOptions | undefined>();
    expectTypeOf(createCache()).toEqualTypeOf<Cache>();
    expectTypeOf(createCache({ store: memoryStore(), codec: devalueCodec })).toEqualTypeOf<Cache>();
  });

  it('types each option', () => {
    expectTypeOf<CacheOptions['store']>().toEqualTypeOf<CacheStore | undefined>();
    expectTypeOf<CacheOptions['codec']>().toEqualTypeOf<Codec | undefined>();
    expectTypeOf<CacheOptions['readCodecs']>().toEqualTypeOf<readonly Codec[] | undefined>();
    expectTypeOf<CacheOptions['namespacePolicy']>().toEqualTypeOf<
      'concat' | 'replace' | undefined
    >();
    expectTypeOf<CacheOptions['ttl']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<CacheOptions['staleWhileRevalidate']>().toEqualTypeOf<number | undefined>();
  });

  it('rejects an option of the wrong type and an unknown option', () => {
    // @ts-expect-error ttl is in seconds as a number
    createCache({ ttl: '60s' });
    // @ts-expect-error no such option (the runtime validator rejects it too)
    createCache({ tll: 60 });
  });
});

describe('Cache methods', () => {
  const cache = createCache();

  it('invalidates by base key and by tags, resolving to the count removed', () => {
    expectTypeOf(cache.invalidate).toEqualTypeOf<(baseKey: string) => Promise<number>>();
    expectTypeOf(cache.invalidateTags).toEqualTypeOf<
      (tags: readonly string[]) => Promise<number>
    >();
    expectTypeOf(cache.dispose).toEqualTypeOf<() => Promise<void>>();
    expectTypeOf(cache.store).toEqualTypeOf<CacheStore>();
    expectTypeOf(cache.namespace).toEqualTypeOf<string | undefined>();
  });

  it('types each event payload and returns an unsubscribe function', () => {
    const off = cache.on('evicted', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<CacheEventMap['evicted']>();
      expectTypeOf(payload.reason).toEqualTypeOf<EvictionReason>();
    });
    expectTypeOf(off).toEqualTypeOf<() => void>();
    // @ts-expect-error not an event
    cache.on('hitt', () => {});
  });

  it('returns the loaded value typed, with its cache status', async () => {
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 42 } });
    expectTypeOf(baseKey).toEqualTypeOf<string>();
    const result = await cache.getOrLoad({ baseKey, load: async () => ({ id: 42, name: 'Ada' }) });
    expectTypeOf(result.value).toEqualTypeOf<{ id: number; name: string }>();
    expectTypeOf(result.status).toEqualTypeOf<CacheStatus>();
    expectTypeOf<CacheStatus>().toEqualTypeOf<'HIT' | 'MISS' | 'STALE' | 'BYPASS'>();
  });
});

describe('stores', () => {
  it('builds memory and tiered stores as CacheStores', () => {
    expectTypeOf(memoryStore).parameter(0).toEqualTypeOf<MemoryStoreOptions | undefined>();
    expectTypeOf(memoryStore()).toExtend<CacheStore>();
    expectTypeOf(tieredStore).parameter(0).toEqualTypeOf<TieredStoreOptions>();
    expectTypeOf(tieredStore({ l1: memoryStore(), l2: memoryStore() })).toExtend<CacheStore>();
  });
});

describe('the CacheStore contract', () => {
  it('lets a store answer synchronously or with a promise', () => {
    expectTypeOf<CacheStore['get']>().toEqualTypeOf<
      (key: string, now?: number) => MaybePromise<CacheEntry | undefined>
    >();
    // `now` is optional to stores too: a get that ignores it still fulfils the contract.
    expectTypeOf<(key: string) => Promise<CacheEntry | undefined>>().toExtend<CacheStore['get']>();
    expectTypeOf<CacheStore['set']>().toEqualTypeOf<
      (address: EntryAddress, entry: CacheEntry, fence: Fence) => MaybePromise<boolean>
    >();
    expectTypeOf<CacheStore['fence']>().toEqualTypeOf<
      (address: EntryAddress) => MaybePromise<Fence>
    >();
  });

  it('keeps leases and invalidation events optional, as a single-instance store has neither', () => {
    expectTypeOf<CacheStore['acquireLease']>().toEqualTypeOf<
      ((address: EntryAddress, ttlMs: number) => Promise<Lease>) | undefined
    >();
    expectTypeOf<CacheStore['onInvalidate']>().toEqualTypeOf<
      ((listener: (invalidation: StoreInvalidation) => void) => () => void) | undefined
    >();
  });

  it('narrows a lease by whether it was acquired', () => {
    const lease = {} as Lease;
    if (lease.acquired) expectTypeOf(lease.release).toEqualTypeOf<() => Promise<void>>();
    else expectTypeOf(lease.wait).toEqualTypeOf<() => Promise<CacheEntry | undefined>>();
  });

  it('accepts a hand-written store that implements the required members', () => {
    const entries = new Map<string, CacheEntry>();
    const store = {
      name: 'map',
      requiresBytes: false,
      get: (key: string) => entries.get(key),
      fence: () => ({}),
      set: (address: EntryAddress, entry: CacheEntry) => {
        entries.set(address.key, entry);
        return true;
      },
      delete: (key: string) => entries.delete(key),
      invalidate: () => 0,
      invalidateTags: async () => 0,
      clear: () => entries.clear(),
    } satisfies CacheStore;
    expectTypeOf(createCache({ store })).toEqualTypeOf<Cache>();
  });
});
