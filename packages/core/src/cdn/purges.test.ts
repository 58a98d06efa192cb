import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred, record } from '../engine/__fixtures__/cache-helpers.js';
import { createCache } from '../engine/create-cache.js';
import { InvalidOptionError } from '../errors.js';
import type { Bus, BusHandlers } from '../stores/bus.js';
import { memoryStore } from '../stores/memory.js';
import { tieredStore } from '../stores/tiered.js';
import { resetWarningsForTests } from '../warn.js';
import { baseKeySurrogateKey } from './surrogate-keys.js';

afterEach(() => {
  vi.useRealTimers();
  resetWarningsForTests();
});

describe('purger: every invalidation purges by the same surrogate keys', () => {
  it('invalidate purges the base key, invalidateTags the tags (path tags as is)', async () => {
    const purged: string[][] = [];
    const cache = createCache({ purger: async (keys) => void purged.push(keys) });
    await cache.invalidate('users.get|{"id":1}');
    await cache.invalidateTags(['users', '@users.get', 'a tag with spaces']);
    expect(purged).toEqual([
      [baseKeySurrogateKey('users.get|{"id":1}')],
      ['users', '@users.get', expect.stringMatching(/^t:[\w-]{22}$/)],
    ]);
  });

  it('purges even when the store fails, and the invalidation still rejects as before', async () => {
    const purge = vi.fn(async () => {});
    const store = memoryStore();
    store.invalidateTags = () => Promise.reject(new Error('down'));
    const cache = createCache({ store, purger: purge });
    await expect(cache.invalidateTags(['t'])).rejects.toThrow(/invalidateTags failed/);
    expect(purge).toHaveBeenCalledWith(['t'], expect.any(AbortSignal));
  });

  it('a failing purger never fails the invalidation; it is retried with backoff', async () => {
    vi.useFakeTimers();
    let failures = 2;
    const purge = vi.fn(async () => {
      if (failures-- > 0) throw new Error('connection refused');
    });
    const cache = createCache({ purger: { purge, backoff: 100 } });
    const seen = record(cache, 'purgeError', 'purged');
    await expect(cache.invalidateTags(['t'])).resolves.toBe(0);
    expect(seen.map((e) => e.event)).toEqual(['purgeError']);
    await vi.advanceTimersByTimeAsync(99);
    expect(purge).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // first retry after 100 ms: fails again
    await vi.advanceTimersByTimeAsync(200); // second after 200 more: succeeds
    expect(purge).toHaveBeenCalledTimes(3);
    expect(seen.map((e) => [e.event, e.payload.attempts])).toEqual([
      ['purgeError', 1],
      ['purgeError', 2],
      ['purged', 3],
    ]);
    const first = seen[0]?.payload as { error: Error; willRetry: boolean };
    expect(first.willRetry).toBe(true);
    expect(first.error).toMatchObject({ code: 'ROUTECACHE_PURGE_FAILED', keys: ['t'] });
    expect((first.error.cause as Error).message).toBe('connection refused');
  });

  it('a hanging purger delays the invalidation by the timeout only, then gives up after its retries', async () => {
    vi.useFakeTimers();
    const purge = vi.fn((_keys: string[], signal: AbortSignal) => {
      return new Promise<void>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    });
    const cache = createCache({ purger: { purge, timeout: 1000, retries: 1, backoff: 10 } });
    const seen = record(cache, 'purgeError');
    const invalidation = cache.invalidate('k');
    let settled = false;
    void invalidation.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(purge.mock.calls[0]?.[1].aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen.map((e) => [e.payload.error.code, e.payload.willRetry])).toEqual([
      ['ROUTECACHE_PURGE_TIMEOUT', true],
      ['ROUTECACHE_PURGE_TIMEOUT', false],
    ]);
    expect(purge).toHaveBeenCalledTimes(2);
  });

  it('warns once when nobody listens to purgeError', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const cache = createCache({
      purger: { purge: () => Promise.reject(new Error('x')), retries: 0 },
    });
    await cache.invalidateTags(['a']);
    await cache.invalidateTags(['b']);
    const calls = warn.mock.calls.filter(
      ([, options]) => (options as { code?: string }).code === 'ROUTECACHE_PURGE_FAILED',
    );
    expect(calls).toHaveLength(1);
    warn.mockRestore();
  });

  it('bounds the retry queue: past queueSize the oldest purges merge, no key is lost', async () => {
    vi.useFakeTimers();
    let up = false;
    const accepted: string[][] = [];
    const purge = vi.fn(async (keys: string[]) => {
      if (!up) throw new Error('down');
      accepted.push(keys);
    });
    const cache = createCache({ purger: { purge, queueSize: 2, backoff: 1000 } });
    cache.on('purgeError', () => {});
    for (const tag of ['a', 'b', 'c', 'd']) await cache.invalidateTags([tag]);
    up = true;
    await vi.advanceTimersByTimeAsync(1000);
    // a+b merged when c queued, then that with c when d queued: two purges, every key.
    expect(accepted.map((keys) => [...keys].sort())).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('dispose stops the retries', async () => {
    vi.useFakeTimers();
    const purge = vi.fn(() => Promise.reject(new Error('down')));
    const cache = createCache({ purger: { purge, backoff: 10 } });
    cache.on('purgeError', () => {});
    await cache.invalidateTags(['a']);
    await cache.dispose();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(purge).toHaveBeenCalledTimes(1);
  });

  it('rejects invalid purger options, naming them', () => {
    expect(() => createCache({ purger: 'varnish' as never })).toThrow(InvalidOptionError);
    expect(() => createCache({ purger: { purge: async () => {}, timeout: 0 } })).toThrow(
      /"purger.timeout"/,
    );
    expect(() => createCache({ purger: { purge: async () => {}, retry: 1 } as never })).toThrow(
      /"purger.retry": unknown option, did you mean "retries"/,
    );
    expect(() => createCache({ purger: { purge: 1 as never } })).toThrow(/"purger.purge"/);
  });
});

describe('multi-instance: the instance that invalidates purges, bus receivers do not', () => {
  it('one purge per invalidation across two instances sharing a bus', async () => {
    const subscribers: BusHandlers[] = [];
    const bus: Bus = {
      async publish(message) {
        for (const handlers of subscribers) handlers.message(message);
      },
      subscribe(handlers) {
        subscribers.push(handlers);
        return () => {};
      },
    };
    const l2 = memoryStore();
    const purges: string[] = [];
    const instance = (name: string) =>
      createCache({
        store: tieredStore({ l1: memoryStore(), l2, bus }),
        purger: async (keys) => void purges.push(`${name}:${keys.join(' ')}`),
      });
    const a = instance('a');
    const b = instance('b');
    const loaded = deferred<string>();
    loaded.resolve('v');
    await b.getOrLoad({ baseKey: 'k', tags: ['t'], load: () => loaded.promise });
    await a.invalidateTags(['t']);
    await vi.waitFor(() => expect(subscribers.length).toBe(2));
    expect(purges).toEqual(['a:t']);
    await a.dispose();
    await b.dispose();
  });
});
