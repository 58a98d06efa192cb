import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultCodec } from '../codec/index.js';
import { strongEtag } from '../http/etag.js';
import { memoryStore } from '../stores/memory.js';
import type { CacheStore } from '../stores/types.js';
import { resetWarningsForTests } from '../warn.js';
import { record } from './__fixtures__/cache-helpers.js';
import { createCache } from './create-cache.js';

describe('createCache: hits, misses and ttl', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('misses, stores, then hits with the live value, its etag and the remaining max-age', async () => {
    const cache = createCache({ ttl: 30 });
    const value = { id: 1, at: new Date(0) };
    const load = vi.fn(async () => value);
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 1 } });

    const first = await cache.getOrLoad({ baseKey, load });
    expect(first).toEqual({
      outcome: 'served',
      value,
      kind: 'value',
      status: 'MISS',
      etag: strongEtag(defaultCodec.encode(value)),
      maxAge: 30,
    });

    vi.advanceTimersByTime(10_500);
    const second = await cache.getOrLoad({ baseKey, load });
    expect(second.status).toBe('HIT');
    expect(second.value).toBe(value);
    expect(second.etag).toBe(first.etag);
    expect(second.maxAge).toBe(19);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('expires after ttl and loads again', async () => {
    const cache = createCache({ ttl: 5 });
    let n = 0;
    const request = { baseKey: 'k', load: async () => ++n };
    await cache.getOrLoad(request);
    vi.advanceTimersByTime(4_999);
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 1, status: 'HIT' });
    vi.advanceTimersByTime(1);
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 2, status: 'MISS' });
  });

  it('judges a memory hit at one clock read, the one it hands to the store', async () => {
    const store = memoryStore();
    const get = vi.spyOn(store, 'get');
    const cache = createCache({ store, ttl: 30 });
    const request = { baseKey: 'k', load: async () => 'v' };
    await cache.getOrLoad(request);
    vi.advanceTimersByTime(10_500);
    const clock = vi.spyOn(Date, 'now');
    expect(await cache.getOrLoad(request)).toMatchObject({ status: 'HIT', maxAge: 19 });
    expect(clock).toHaveBeenCalledTimes(1);
    expect(get).toHaveBeenLastCalledWith('k', clock.mock.results[0]?.value);
  });

  it('judges an asynchronous answer when it arrives, not when it was asked for', async () => {
    const base = memoryStore();
    const store: CacheStore = {
      ...base,
      name: 'slow',
      get: (key) => new Promise((resolve) => setTimeout(() => resolve(base.get(key)), 600)),
    };
    const cache = createCache({ store, ttl: 1, staleWhileRevalidate: 60, storeTimeout: 5_000 });
    const request = { baseKey: 'k', load: async () => 'v' };
    const first = cache.getOrLoad(request);
    await vi.advanceTimersByTimeAsync(600);
    expect(await first).toMatchObject({ status: 'MISS' }); // stored at 0.6 s, fresh until 1.6 s
    vi.advanceTimersByTime(500);
    // Asked for at 1.1 s, while fresh; answered at 1.7 s, stale by then.
    const second = cache.getOrLoad(request);
    await vi.advanceTimersByTimeAsync(600);
    expect(await second).toMatchObject({ status: 'STALE' });
  });

  it('lets a request override the ttl', async () => {
    const cache = createCache({ ttl: 60 });
    const request = { baseKey: 'k', ttl: 1, load: async () => 'v' };
    expect((await cache.getOrLoad(request)).maxAge).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect((await cache.getOrLoad(request)).status).toBe('MISS');
  });

  it('spreads expiry by jitter: ttl × (1 + jitter × random)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const cache = createCache({ ttl: 100, jitter: 0.2 });
    const request = { baseKey: 'k', load: async () => 'v' };
    expect((await cache.getOrLoad(request)).maxAge).toBe(110);
    vi.advanceTimersByTime(109_999);
    expect((await cache.getOrLoad(request)).status).toBe('HIT');
    vi.advanceTimersByTime(1);
    expect((await cache.getOrLoad(request)).status).toBe('MISS');
  });

  it('keeps variants of one base key apart', async () => {
    const cache = createCache();
    await cache.getOrLoad({ baseKey: 'k', variant: 'fr', load: async () => 'bonjour' });
    await cache.getOrLoad({ baseKey: 'k', variant: 'en', load: async () => 'hello' });
    const fr = await cache.getOrLoad({ baseKey: 'k', variant: 'fr', load: async () => 'x' });
    const plain = await cache.getOrLoad({ baseKey: 'k', load: async () => 'plain' });
    expect([fr.value, fr.status, plain.value, plain.status]).toEqual([
      'bonjour',
      'HIT',
      'plain',
      'MISS',
    ]);
    expect(await cache.invalidate('k')).toBe(3);
  });

  it('does not store what `cacheable` refuses, nor with ttl 0 and no stale window', async () => {
    const cache = createCache();
    const skipped = record(cache, 'skipped');
    const refused = { baseKey: 'a', cacheable: () => false, load: async () => 'v' };
    await cache.getOrLoad(refused);
    expect((await cache.getOrLoad(refused)).status).toBe('MISS');
    const zero = { baseKey: 'b', ttl: 0, load: async () => 'v' };
    await cache.getOrLoad(zero);
    expect((await cache.getOrLoad(zero)).status).toBe('MISS');
    expect(skipped.map((s) => s.payload.reason)).toEqual(Array(4).fill('uncacheable'));
  });

  it('keeps an etag the endpoint set instead of hashing', async () => {
    const cache = createCache();
    const request = { baseKey: 'k', etag: () => '"v1"', load: async () => 'v' };
    expect((await cache.getOrLoad(request)).etag).toBe('"v1"');
    expect((await cache.getOrLoad(request)).etag).toBe('"v1"');
  });

  it('serves a value the codec refuses uncached, with one warning and a skipped event', async () => {
    resetWarningsForTests();
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const cache = createCache();
    const skipped = record(cache, 'skipped');
    const fn = () => 1;
    const load = vi.fn(async () => ({ fn }));

    const first = await cache.getOrLoad({ baseKey: 'k', load });
    const second = await cache.getOrLoad({ baseKey: 'k', load });
    expect(first).toEqual({
      outcome: 'served',
      value: { fn },
      kind: 'value',
      status: 'MISS',
      etag: undefined,
      maxAge: 0,
    });
    expect(second.status).toBe('MISS');
    expect(load).toHaveBeenCalledTimes(2);
    expect(skipped.map((s) => s.payload.reason)).toEqual(['codec', 'codec']);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0]?.[1]).toMatchObject({ code: 'ROUTECACHE_UNCACHEABLE_VALUE' });
  });

  it('never caches an error', async () => {
    const cache = createCache();
    const load = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValueOnce('ok');
    await expect(cache.getOrLoad({ baseKey: 'k', load })).rejects.toThrow('boom');
    expect(await cache.getOrLoad({ baseKey: 'k', load })).toMatchObject({
      value: 'ok',
      status: 'MISS',
    });
  });

  it('rejects (never throws synchronously) when load throws synchronously', async () => {
    const cache = createCache();
    const load = () => {
      throw new Error('sync');
    };
    await expect(cache.getOrLoad({ baseKey: 'k', load })).rejects.toThrow('sync');
  });
});

describe('createCache: stale serving', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves stale within staleWhileRevalidate while exactly one refresh runs', async () => {
    const cache = createCache({ ttl: 10, staleWhileRevalidate: 20 });
    let version = 0;
    const load = vi.fn(async () => ++version);
    const request = { baseKey: 'k', load };
    await cache.getOrLoad(request);
    vi.advanceTimersByTime(15_000);

    const stale = await Promise.all([cache.getOrLoad(request), cache.getOrLoad(request)]);
    expect(stale.map((r) => [r.value, r.status, r.maxAge])).toEqual([
      [1, 'STALE', 0],
      [1, 'STALE', 0],
    ]);
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(2));
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 2, status: 'HIT' });
  });

  it('hands the background refresh to waitUntil, settling once the refresh is stored', async () => {
    const cache = createCache({ ttl: 10, staleWhileRevalidate: 20 });
    let version = 0;
    const handed: Promise<unknown>[] = [];
    const request = {
      baseKey: 'k',
      load: async () => ++version,
      waitUntil: (promise: Promise<unknown>) => handed.push(promise),
    };
    await cache.getOrLoad(request);
    expect(handed).toEqual([]);
    vi.advanceTimersByTime(15_000);
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 1, status: 'STALE' });
    expect(handed).toHaveLength(1);
    await handed[0];
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 2, status: 'HIT' });
    expect(handed).toHaveLength(1);
  });

  it('keeps serving stale when the background refresh fails, without caching the error', async () => {
    const cache = createCache({ ttl: 10, staleWhileRevalidate: 20 });
    const load = vi.fn().mockResolvedValueOnce('v1').mockRejectedValue(new Error('down'));
    const request = { baseKey: 'k', load };
    await cache.getOrLoad(request);
    vi.advanceTimersByTime(11_000);
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 'v1', status: 'STALE' });
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(2));
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 'v1', status: 'STALE' });
  });

  it('loads past the staleWhileRevalidate window', async () => {
    const cache = createCache({ ttl: 10, staleWhileRevalidate: 5 });
    let version = 0;
    const request = { baseKey: 'k', load: async () => ++version };
    await cache.getOrLoad(request);
    vi.advanceTimersByTime(15_000);
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 2, status: 'MISS' });
  });

  it('serves stale within staleIfError when the loader fails, and the fresh value when it works', async () => {
    const cache = createCache({ ttl: 10, staleIfError: 60 });
    const stale = record(cache, 'stale');
    const load = vi
      .fn()
      .mockResolvedValueOnce('v1')
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValueOnce('v2');
    const request = { baseKey: 'k', load };
    await cache.getOrLoad(request);
    vi.advanceTimersByTime(30_000);

    expect(await cache.getOrLoad(request)).toEqual({
      outcome: 'served',
      value: 'v1',
      kind: 'value',
      status: 'STALE',
      etag: expect.any(String),
      maxAge: 0,
    });
    expect(stale.map((s) => s.payload.reason)).toEqual(['error']);
    expect(await cache.getOrLoad(request)).toMatchObject({ value: 'v2', status: 'MISS' });
  });

  it('throws the loader error past the staleIfError window', async () => {
    const cache = createCache({ ttl: 10, staleIfError: 5 });
    const load = vi.fn().mockResolvedValueOnce('v1').mockRejectedValue(new Error('down'));
    await cache.getOrLoad({ baseKey: 'k', load });
    vi.advanceTimersByTime(14_000);
    await expect(cache.getOrLoad({ baseKey: 'k', staleIfError: 1, load })).rejects.toThrow('down');
  });
});

describe('createCache: keys and invalidation', () => {
  it('derives base keys with the root and route namespaces', () => {
    const concat = createCache({ namespace: 'api' });
    const replace = createCache({ namespace: 'api', namespacePolicy: 'replace' });
    const bare = createCache();
    const input = { id: 1 };
    expect(concat.keyFor({ route: 'users.get', input })).toBe('api|users.get|{"id":1}');
    expect(concat.keyFor({ route: 'users.get', input, namespace: 'v2' })).toBe(
      'api:v2|users.get|{"id":1}',
    );
    expect(replace.keyFor({ route: 'users.get', input, namespace: 'v2' })).toBe(
      'v2|users.get|{"id":1}',
    );
    expect(bare.keyFor({ route: 'users.get', input, key: 'user:1' })).toBe('|user:1');
    expect(concat.namespace).toBe('api');
  });

  it('invalidates every variant of a base key and by tags, counting removals', async () => {
    const cache = createCache({ store: memoryStore() });
    const invalidated = record(cache, 'invalidated');
    for (const variant of ['', 'a', 'b']) {
      await cache.getOrLoad({ baseKey: 'k', variant, tags: ['users'], load: async () => variant });
    }
    await cache.getOrLoad({ baseKey: 'other', tags: ['users', 'teams'], load: async () => 'o' });

    expect(await cache.invalidate('k')).toBe(3);
    expect(await cache.invalidateTags(['users', 'teams'])).toBe(1);
    expect(await cache.invalidateTags(['users'])).toBe(0);
    expect(invalidated.map((e) => e.payload)).toEqual([
      { baseKeys: ['k'], tags: [], removed: 3 },
      { baseKeys: [], tags: ['users', 'teams'], removed: 1 },
      { baseKeys: [], tags: ['users'], removed: 0 },
    ]);
  });

  it('releases the store on dispose', async () => {
    const store = memoryStore();
    const dispose = vi.spyOn(store, 'dispose');
    await createCache({ store }).dispose();
    expect(dispose).toHaveBeenCalledTimes(1);
  });
});

describe('createCache: call, one engine step from key parts to a result', () => {
  it('keys by route + input as keyFor does, and serves a hit from the same entry', async () => {
    const cache = createCache();
    const load = vi.fn(async () => ({ ok: true as const, value: 'v' }));
    const request = { route: 'users.get', input: { id: 1 }, namespace: undefined, load };
    expect(await cache.call(request)).toMatchObject({ outcome: 'served', status: 'MISS' });
    expect(await cache.call(request)).toMatchObject({ outcome: 'served', status: 'HIT' });
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 1 } });
    expect(await cache.getOrLoad({ baseKey, load: async () => 'never' })).toMatchObject({
      value: 'v',
      status: 'HIT',
    });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('answers a memory hit as is (no promise), a miss with a promise; getOrLoad always with one', async () => {
    const cache = createCache();
    const request = { route: 'r', input: 1, load: async () => ({ ok: true as const, value: 'v' }) };
    const miss = cache.call(request);
    expect(miss).toBeInstanceOf(Promise);
    await miss;
    const hit = cache.call(request);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toMatchObject({ outcome: 'served', status: 'HIT', value: 'v' });
    const baseKey = cache.keyFor(request);
    const loaded = cache.getOrLoad({ baseKey, load: async () => 'never' });
    expect(loaded).toBeInstanceOf(Promise);
    expect(await loaded).toMatchObject({ status: 'HIT', value: 'v' });
  });

  it('rejects (never throws) when a synchronous store answers with an entry it cannot read', async () => {
    const memory = memoryStore();
    const garbage = Object.defineProperty({}, 'freshUntil', {
      get() {
        throw new Error('garbage entry');
      },
    });
    const store: CacheStore = { ...memory, get: () => garbage as never };
    const cache = createCache({ store });
    let answer: unknown;
    expect(() => {
      answer = cache.call({ route: 'r', input: 1, load: async () => ({ ok: true, value: 'v' }) });
    }).not.toThrow();
    await expect(answer).rejects.toThrow('garbage entry');
  });

  it('passes a failure back to the caller and every joiner, and stores nothing', async () => {
    const cache = createCache();
    const failure = { code: 'NOT_FOUND' };
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = vi.fn(async () => {
      await gate;
      return { ok: false as const, failure };
    });
    const request = { route: 'r', input: 1, load };
    const both = Promise.all([cache.call(request), cache.call(request)]);
    release();
    const [owner, joiner] = await both;
    expect(owner).toEqual({ outcome: 'failed', failure });
    expect(joiner).toEqual({ outcome: 'failed', failure });
    expect(load).toHaveBeenCalledTimes(1);
    await cache.call(request);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('serves a stale entry within staleIfError when the loader returns a failure', async () => {
    vi.useFakeTimers();
    try {
      const cache = createCache({ ttl: 1, staleIfError: 60 });
      await cache.call({ route: 'r', load: async () => ({ ok: true, value: 'v1' }) });
      vi.advanceTimersByTime(2_000);
      const failing = { route: 'r', load: async () => ({ ok: false as const, failure: 'down' }) };
      expect(await cache.call(failing)).toMatchObject({ outcome: 'served', status: 'STALE' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers unkeyable input with its KeyError instead of loading', async () => {
    const cache = createCache();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const load = vi.fn(async () => ({ ok: true as const, value: 1 }));
    const answer = await cache.call({ route: 'r', input: cyclic, load });
    expect(answer.outcome).toBe('unkeyable');
    expect(answer.outcome === 'unkeyable' && answer.error.reason).toBe('cycle');
    expect(load).not.toHaveBeenCalled();
  });
});
