import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '../errors.js';
import { memoryStore } from '../stores/memory.js';
import { resetWarningsForTests } from '../warn.js';
import { type Breakage, brokenStore, deferred, record } from './__fixtures__/cache-helpers.js';
import { createCache } from './create-cache.js';

const breakages: Breakage[] = ['throw', 'reject', 'hang'];
const expectedCode = (breakage: Breakage) =>
  breakage === 'hang' ? 'ROUTECACHE_STORE_TIMEOUT' : 'ROUTECACHE_STORE_ERROR';

describe('fail-open store calls', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe.each(breakages)('a store whose calls %s', (breakage) => {
    it.each([['get'], ['fence'], ['set']] as const)(
      'on %s: the call succeeds, the loader runs once, one storeError is emitted',
      async (operation) => {
        const cache = createCache({
          store: brokenStore(memoryStore(), breakage, [operation]),
          storeTimeout: 5,
        });
        const errors = record(cache, 'storeError');
        const load = vi.fn(async () => 'value');

        const result = await cache.getOrLoad({ baseKey: 'k', load });
        // Only a failed get still lets the fill be stored.
        expect(result).toMatchObject({
          value: 'value',
          status: 'MISS',
          maxAge: operation === 'get' ? 60 : 0,
        });
        expect(load).toHaveBeenCalledTimes(1);
        expect(errors).toHaveLength(1);
        const error = errors[0]?.payload.error;
        expect(error).toBeInstanceOf(StoreError);
        expect(error?.code).toBe(expectedCode(breakage));
        expect(errors[0]?.payload.operation).toBe(operation);
        expect(error?.context).toMatchObject({ store: 'broken', operation });
        const causeMessage = (error?.cause as Error | undefined)?.message;
        expect(causeMessage).toBe(breakage === 'hang' ? undefined : `${operation} broke`);
      },
    );
  });

  // Invalidations have no time budget (see createCache): a hang there is the store's own timeout.
  it.each(['throw', 'reject'] as const)(
    'rejects an invalidation whose store calls %s with a StoreError carrying the cause',
    async (breakage) => {
      const store = brokenStore(memoryStore(), breakage, ['invalidate', 'invalidateTags']);
      const cache = createCache({ store });
      const errors = record(cache, 'storeError');
      await expect(cache.invalidate('k')).rejects.toMatchObject({
        code: 'ROUTECACHE_STORE_ERROR',
        cause: expect.any(Error),
      });
      await expect(cache.invalidateTags(['t'])).rejects.toBeInstanceOf(StoreError);
      expect(errors.map((e) => e.payload.operation)).toEqual(['invalidate', 'invalidateTags']);
    },
  );

  it('still coalesces concurrent misses while the store is down', async () => {
    const cache = createCache({ store: brokenStore(memoryStore(), 'reject', ['get', 'set']) });
    const gate = deferred<string>();
    const load = vi.fn(() => gate.promise);
    const calls = Array.from({ length: 20 }, () => cache.getOrLoad({ baseKey: 'k', load }));
    // Let every failed get settle before the one fill finishes.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gate.resolve('v');
    const results = await Promise.all(calls);
    // Each caller's get failed on its own, but they met on one fill.
    expect(load).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.value === 'v')).toBe(true);
  });

  it('warns once instead when nobody listens for storeError', async () => {
    resetWarningsForTests();
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const cache = createCache({ store: brokenStore(memoryStore(), 'throw', ['get']) });
    await cache.getOrLoad({ baseKey: 'a', load: async () => 1 });
    await cache.getOrLoad({ baseKey: 'b', load: async () => 2 });
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0]?.[1]).toMatchObject({ code: 'ROUTECACHE_STORE_UNAVAILABLE' });
  });
});
