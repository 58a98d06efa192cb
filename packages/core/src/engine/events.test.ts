import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';
import { drain } from '../testing/drain.js';
import { resetWarningsForTests } from '../warn.js';
import { brokenStore, deferred, record } from './__fixtures__/cache-helpers.js';
import { createCache } from './create-cache.js';
import { CacheEvents } from './events.js';

describe('cache events', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('reports miss, stored, hit and stale with keys', async () => {
    vi.useFakeTimers();
    const cache = createCache({ ttl: 1, staleWhileRevalidate: 10 });
    const seen = record(cache, 'miss', 'stored', 'hit', 'stale');
    const request = { baseKey: 'k', variant: 'v', load: async () => 'value' };
    await cache.getOrLoad(request);
    await cache.getOrLoad(request);
    vi.advanceTimersByTime(2_000);
    await cache.getOrLoad(request);

    const key = { key: 'k#v', baseKey: 'k' };
    expect(seen.slice(0, 4)).toEqual([
      { event: 'miss', payload: key },
      { event: 'stored', payload: { ...key, size: expect.any(Number) } },
      { event: 'hit', payload: key },
      { event: 'stale', payload: { ...key, reason: 'revalidate' } },
    ]);
  });

  it('turns store evictions into evicted events', async () => {
    const cache = createCache({ store: memoryStore({ maxBytes: 2_000 }) });
    const evicted = record(cache, 'evicted');
    for (let i = 0; i < 20; i++)
      await cache.getOrLoad({ baseKey: `k${i}`, load: async () => 'x'.repeat(300) });
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted[0]?.payload).toEqual({ key: 'k0', reason: 'capacity' });
  });

  it('stops calling a listener after unsubscribe; unsubscribing twice is harmless', async () => {
    const cache = createCache();
    const listener = vi.fn();
    const off = cache.on('miss', listener);
    await cache.getOrLoad({ baseKey: 'a', load: async () => 1 });
    off();
    off();
    await cache.getOrLoad({ baseKey: 'b', load: async () => 1 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('survives a throwing listener, warns once, and still calls the other listeners', async () => {
    resetWarningsForTests();
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const cache = createCache();
    cache.on('miss', () => {
      throw new Error('listener bug');
    });
    const other = vi.fn();
    cache.on('miss', other);

    expect(await cache.getOrLoad({ baseKey: 'a', load: async () => 1 })).toMatchObject({
      value: 1,
    });
    expect(await cache.getOrLoad({ baseKey: 'b', load: async () => 2 })).toMatchObject({
      value: 2,
    });
    expect(other).toHaveBeenCalledTimes(2);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0]?.[1]).toMatchObject({ code: 'ROUTECACHE_LISTENER_ERROR' });
  });

  it('reports a fill fenced out by an invalidation as skipped', async () => {
    const cache = createCache();
    const skipped = record(cache, 'skipped');
    let release: (value: string) => void = () => {};
    const slow = cache.getOrLoad({
      baseKey: 'k',
      load: () => new Promise<string>((r) => (release = r)),
    });
    await cache.invalidate('k');
    release('old');
    await slow;
    expect(skipped.map((s) => s.payload)).toEqual([
      { key: 'k', baseKey: 'k', reason: 'invalidated' },
    ]);
  });

  it('builds no payload and calls no emit for events nobody listens to', async () => {
    vi.useFakeTimers();
    resetWarningsForTests();
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const emit = vi.spyOn(CacheEvents.prototype, 'emit');
    const cache = createCache({
      store: memoryStore({ maxBytes: 2_000 }),
      ttl: 1,
      staleWhileRevalidate: 5,
      staleIfError: 60,
    });
    // miss + coalesced + stored, then hit, then stale (revalidate on k, error on s).
    const gate = deferred<string>();
    const both = [0, 1].map(() => cache.getOrLoad({ baseKey: 'k', load: () => gate.promise }));
    gate.resolve('v');
    await Promise.all(both);
    await cache.getOrLoad({ baseKey: 's', load: async () => 's1' });
    await cache.getOrLoad({ baseKey: 'k', load: async () => 'unused' });
    vi.advanceTimersByTime(2_000);
    await cache.getOrLoad({ baseKey: 'k', load: async () => 'v2' });
    const failing = () => Promise.reject(new Error('down'));
    const staleOnError = { baseKey: 's', staleWhileRevalidate: 0, load: failing };
    expect(await cache.getOrLoad(staleOnError)).toMatchObject({ status: 'STALE' });
    // skipped, evicted (capacity), invalidated, and a stream's fill.
    await cache.getOrLoad({ baseKey: 'u', cacheable: () => false, load: async () => 1 });
    for (let i = 0; i < 10; i++) await cache.getOrLoad({ baseKey: `e${i}`, load: async () => i });
    await cache.invalidate('k');
    await cache.invalidateTags(['t']);
    const stream = { maxChunks: 10, maxBytes: 1_000 };
    const load = async () => (async function* () {})();
    await drain((await cache.getOrLoad({ baseKey: 'l', stream, load })).value);
    // storeError: a broken store with nobody listening warns instead of emitting.
    const broken = createCache({ store: brokenStore(memoryStore(), 'throw', ['get']) });
    await broken.getOrLoad({ baseKey: 'k', load: async () => 1 });
    expect(emit).not.toHaveBeenCalled();

    // Control: the same path with a listener does emit, and only the event listened to.
    cache.on('hit', () => {});
    await cache.getOrLoad({ baseKey: 'h', load: async () => 1 });
    await cache.getOrLoad({ baseKey: 'h', load: async () => 1 });
    expect(emit.mock.calls.map(([event]) => event)).toEqual(['hit']);
  });
});
