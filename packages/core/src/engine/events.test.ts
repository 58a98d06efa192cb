import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';
import type { CacheEntry } from '../stores/types.js';
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

    const key = { key: 'k#v', baseKey: 'k', route: undefined };
    const lookup = { ...key, layer: 'L1', lookupMs: expect.any(Number) };
    expect(seen.slice(0, 4)).toEqual([
      { event: 'miss', payload: lookup },
      { event: 'stored', payload: { ...key, size: expect.any(Number) } },
      { event: 'hit', payload: lookup },
      { event: 'stale', payload: { ...lookup, reason: 'revalidate' } },
    ]);
  });

  it('gives lookup events the route, the layer that answered and the time since the call began', async () => {
    const memory = memoryStore();
    // An asynchronous store (as Redis answers) is the L2 layer; each get takes ~20 ms.
    const slow = {
      ...memory,
      get: (key: string) =>
        new Promise<CacheEntry | undefined>((r) => setTimeout(() => r(memory.get(key)), 20)),
    };
    const l2 = createCache({ store: slow });
    const seen = record(l2, 'miss', 'hit');
    const request = { baseKey: 'k', route: 'users.get', load: async () => 1 };
    await l2.getOrLoad(request);
    await l2.getOrLoad(request);
    expect(seen.map(({ event, payload }) => [event, payload])).toEqual([
      ['miss', expect.objectContaining({ route: 'users.get', layer: 'L2' })],
      ['hit', expect.objectContaining({ route: 'users.get', layer: 'L2' })],
    ]);
    for (const { payload } of seen) {
      expect((payload as { lookupMs: number }).lookupMs).toBeGreaterThanOrEqual(15);
    }
    const l1 = createCache();
    const hits = record(l1, 'hit');
    await l1.call({ route: 'posts.list', input: 1, load: async () => ({ ok: true, value: 1 }) });
    await l1.call({ route: 'posts.list', input: 1, load: async () => ({ ok: true, value: 1 }) });
    expect(hits[0]?.payload).toMatchObject({ route: 'posts.list', layer: 'L1' });
  });

  it('reports the end of every fill with its duration and outcome', async () => {
    const cache = createCache();
    const filled = record(cache, 'filled');
    const slow = () => new Promise<string>((r) => setTimeout(() => r('v'), 20));
    await cache.getOrLoad({ baseKey: 'a', route: 'r.a', load: slow });
    await cache.getOrLoad({ baseKey: 'b', route: 'r.b', cacheable: () => false, load: slow });
    const failing = { baseKey: 'c', route: 'r.c', load: () => Promise.reject(new Error('x')) };
    await expect(cache.getOrLoad(failing)).rejects.toThrow('x');
    const refused = { ok: false as const, failure: 'nope' };
    await cache.call({ route: 'r.d', input: 1, load: async () => refused });
    expect(filled.map(({ payload }) => payload)).toEqual([
      { key: 'a', baseKey: 'a', route: 'r.a', fillMs: expect.any(Number), outcome: 'stored' },
      { key: 'b', baseKey: 'b', route: 'r.b', fillMs: expect.any(Number), outcome: 'skipped' },
      { key: 'c', baseKey: 'c', route: 'r.c', fillMs: expect.any(Number), outcome: 'failed' },
      expect.objectContaining({ route: 'r.d', outcome: 'failed' }),
    ]);
    expect(filled[0]?.payload.fillMs ?? 0).toBeGreaterThanOrEqual(15);
  });

  it('reports calls served without the cache as bypass: unkeyable inputs, and what adapters report', async () => {
    const cache = createCache();
    const bypass = record(cache, 'bypass');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const result = await cache.call({
      route: 'users.find',
      input: cyclic,
      load: async () => ({ ok: true, value: 1 }),
    });
    expect(result.outcome).toBe('unkeyable');
    cache.bypassed('users.me', 'no-principal');
    expect(bypass.map(({ payload }) => payload)).toEqual([
      { route: 'users.find', reason: 'unkeyable' },
      { route: 'users.me', reason: 'no-principal' },
    ]);
  });

  it('reads no clock for a lookup while no lookup event is heard', async () => {
    const cache = createCache();
    cache.on('stored', () => {}); // heard, but carries no lookup duration
    const request = { baseKey: 'k', route: 'r', load: async () => 1 };
    await cache.getOrLoad(request);
    const now = vi.spyOn(performance, 'now');
    await cache.getOrLoad(request);
    expect(now).not.toHaveBeenCalled();
    const off = cache.on('hit', () => {});
    await cache.getOrLoad(request);
    expect(now).toHaveBeenCalledTimes(2); // the lookup's start, and the hit's
    off();
    now.mockClear();
    await cache.getOrLoad(request);
    expect(now).not.toHaveBeenCalled();
  });

  it('turns store evictions into evicted events', async () => {
    const cache = createCache({ store: memoryStore({ maxBytes: 2_000 }) });
    const evicted = record(cache, 'evicted');
    for (let i = 0; i < 20; i++)
      await cache.getOrLoad({ baseKey: `k${i}`, load: async () => 'x'.repeat(300) });
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted[0]?.payload).toEqual({ key: 'k0', reason: 'capacity', layer: 'L1' });
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
