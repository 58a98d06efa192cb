import { describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';
import { deferred, record } from './__fixtures__/cache-helpers.js';
import { createCache } from './create-cache.js';

describe('single-flight', () => {
  it('runs the loader once for 1000 concurrent misses; every caller gets the value', async () => {
    const cache = createCache();
    const events = record(cache, 'miss', 'coalesced', 'stored');
    const gate = deferred<{ id: number }>();
    const load = vi.fn(() => gate.promise);

    const calls = Array.from({ length: 1000 }, () => cache.getOrLoad({ baseKey: 'k', load }));
    gate.resolve({ id: 1 });
    const results = await Promise.all(calls);

    expect(load).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.value === results[0]?.value && r.status === 'MISS')).toBe(true);
    expect(results[0]?.value).toEqual({ id: 1 });
    expect(events.filter((e) => e.event === 'miss')).toHaveLength(1);
    expect(events.filter((e) => e.event === 'coalesced')).toHaveLength(999);
    expect(events.filter((e) => e.event === 'stored')).toHaveLength(1);
    expect((await cache.getOrLoad({ baseKey: 'k', load })).status).toBe('HIT');
  });

  it('gives every one of 1000 concurrent callers the loader error, and caches nothing', async () => {
    const cache = createCache();
    const gate = deferred<string>();
    const load = vi.fn(() => gate.promise);

    const calls = Array.from({ length: 1000 }, () => cache.getOrLoad({ baseKey: 'k', load }));
    const failure = new Error('db down');
    gate.reject(failure);
    const settled = await Promise.allSettled(calls);

    expect(load).toHaveBeenCalledTimes(1);
    expect(settled.every((s) => s.status === 'rejected' && s.reason === failure)).toBe(true);
    const next = await cache.getOrLoad({ baseKey: 'k', load: async () => 'recovered' });
    expect(next).toMatchObject({ value: 'recovered', status: 'MISS' });
  });

  it('does not coalesce different storage keys', async () => {
    const cache = createCache();
    const load = vi.fn(async () => 'v');
    await Promise.all([
      cache.getOrLoad({ baseKey: 'k', variant: 'a', load }),
      cache.getOrLoad({ baseKey: 'k', variant: 'b', load }),
      cache.getOrLoad({ baseKey: 'j', load }),
    ]);
    expect(load).toHaveBeenCalledTimes(3);
  });
});

describe('invalidation during a fill', () => {
  it.each([
    ['invalidate', (cache: ReturnType<typeof createCache>) => cache.invalidate('k')],
    ['invalidateTags', (cache: ReturnType<typeof createCache>) => cache.invalidateTags(['t'])],
  ])(
    '%s while a slow load runs: the old value is not stored and the next call loads anew',
    async (_name, invalidate) => {
      const store = memoryStore();
      const cache = createCache({ store });
      const skipped = record(cache, 'skipped');
      const oldGate = deferred<string>();
      const slow = cache.getOrLoad({ baseKey: 'k', tags: ['t'], load: () => oldGate.promise });

      await invalidate(cache);
      // Arrives after the invalidation: must not join the fill that started before it.
      const fresh = cache.getOrLoad({ baseKey: 'k', tags: ['t'], load: async () => 'new' });
      expect(await fresh).toMatchObject({ value: 'new', status: 'MISS' });

      oldGate.resolve('old');
      expect(await slow).toMatchObject({ value: 'old', status: 'MISS', maxAge: 0 });
      expect(skipped.map((s) => s.payload.reason)).toEqual(['invalidated']);
      expect(store.get('k')).toMatchObject({ value: 'new' });
      const next = await cache.getOrLoad({ baseKey: 'k', tags: ['t'], load: async () => 'unused' });
      expect(next).toMatchObject({ value: 'new', status: 'HIT' });
    },
  );

  it('an invalidation with nothing in flight and nothing stored still wins over a later-resolving old fill', async () => {
    const cache = createCache();
    const gate = deferred<string>();
    const slow = cache.getOrLoad({ baseKey: 'k', load: () => gate.promise });
    expect(await cache.invalidate('k')).toBe(0);
    gate.resolve('old');
    await slow;
    const next = await cache.getOrLoad({ baseKey: 'k', load: async () => 'new' });
    expect(next).toMatchObject({ value: 'new', status: 'MISS' });
  });

  it('an unrelated invalidation does not stop a fill', async () => {
    const cache = createCache();
    const gate = deferred<string>();
    const slow = cache.getOrLoad({ baseKey: 'k', tags: ['t'], load: () => gate.promise });
    await cache.invalidate('other');
    await cache.invalidateTags(['other-tag']);
    gate.resolve('v');
    await slow;
    expect((await cache.getOrLoad({ baseKey: 'k', load: async () => 'x' })).status).toBe('HIT');
  });
});
