import { describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';
import type { CacheEntry, CacheStore, Lease } from '../stores/types.js';
import { drain } from '../testing/drain.js';
import { testEntry } from '../testing/entries.js';
import { record } from './__fixtures__/cache-helpers.js';
import { createCache } from './create-cache.js';

/** A memory store that also hands out leases the way `lease` says. */
function leasingStore(
  lease: () => Promise<Lease>,
): CacheStore & { acquireLease: ReturnType<typeof vi.fn> } {
  return Object.assign(memoryStore(), { acquireLease: vi.fn(lease) });
}

function waiting(wait: () => Promise<CacheEntry | undefined>): () => Promise<Lease> {
  return async () => ({ acquired: false, wait });
}

describe('cross-instance leases', () => {
  it('loads and stores under an acquired lease, then releases it', async () => {
    const release = vi.fn(async () => {});
    const store = leasingStore(async () => ({ acquired: true, release }));
    const cache = createCache({ store, leaseTimeout: 2_000 });
    const result = await cache.getOrLoad({ baseKey: 'k', load: async () => 'mine' });

    expect(result).toMatchObject({ value: 'mine', status: 'MISS' });
    expect(store.acquireLease).toHaveBeenCalledWith(
      expect.objectContaining({ key: 'k', baseKey: 'k' }),
      2_000,
    );
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('releases the lease when the load fails', async () => {
    const release = vi.fn(async () => {});
    const cache = createCache({ store: leasingStore(async () => ({ acquired: true, release })) });
    await expect(
      cache.getOrLoad({ baseKey: 'k', load: () => Promise.reject(new Error('x')) }),
    ).rejects.toThrow('x');
    expect(release).toHaveBeenCalledTimes(1);
  });

  it("serves the holder's fill instead of loading when the lease is held elsewhere", async () => {
    const filled = testEntry({ from: 'other instance' }, { etag: '"other"', freshMs: 30_000 });
    const cache = createCache({ store: leasingStore(waiting(async () => filled)) });
    const load = vi.fn(async () => ({ from: 'me' }));
    const result = await cache.getOrLoad({ baseKey: 'k', load });

    expect(load).not.toHaveBeenCalled();
    expect(result).toMatchObject({
      value: { from: 'other instance' },
      status: 'MISS',
      etag: '"other"',
    });
    expect(result.maxAge).toBeGreaterThan(25);
  });

  it("reports the kind of the holder's fill: a stream stored by another instance", async () => {
    const record = { chunks: [1, 2], returnValue: 'end' };
    const filled = testEntry(record, { kind: 'stream', freshMs: 30_000 });
    const cache = createCache({ store: leasingStore(waiting(async () => filled)) });
    const mine = async function* () {
      yield 'mine';
    };
    const result = await cache.getOrLoad({ baseKey: 'k', load: async () => mine() });
    expect(result).toMatchObject({ kind: 'stream', status: 'MISS' });
    expect(await drain(result.value)).toEqual({
      chunks: [1, 2],
      returned: 'end',
    });
  });

  it('loads itself when the holder gave up without a fill', async () => {
    const cache = createCache({ store: leasingStore(waiting(async () => undefined)) });
    const result = await cache.getOrLoad({ baseKey: 'k', load: async () => 'mine' });
    expect(result).toMatchObject({ value: 'mine', status: 'MISS' });
  });

  it('loads itself when the wait outlasts the lease (a hanging store), reporting a timeout', async () => {
    const store = leasingStore(waiting(() => new Promise<never>(() => {})));
    const cache = createCache({ store, leaseTimeout: 10, storeTimeout: 5 });
    const errors = record(cache, 'storeError');
    const result = await cache.getOrLoad({ baseKey: 'k', load: async () => 'mine' });
    expect(result).toMatchObject({ value: 'mine', status: 'MISS' });
    expect(errors.map((e) => [e.payload.operation, e.payload.error.code])).toEqual([
      ['lease', 'ROUTECACHE_STORE_TIMEOUT'],
    ]);
  });

  it('loads itself when acquiring the lease fails, reporting a storeError', async () => {
    const cache = createCache({
      store: leasingStore(() => Promise.reject(new Error('redis down'))),
    });
    const errors = record(cache, 'storeError');
    const load = vi.fn(async () => 'mine');
    expect(await cache.getOrLoad({ baseKey: 'k', load })).toMatchObject({ value: 'mine' });
    expect(load).toHaveBeenCalledTimes(1);
    expect(errors.map((e) => e.payload.operation)).toEqual(['lease']);
  });
});
