/**
 * Listening to `storeError` alone (an app logging store outages) must not put a clock read on
 * every memory hit. When failed store calls got their durations, the lookup read
 * `performance.now()` at its start whenever `storeError` was heard, so every hit paid for it;
 * now a lookup reads the clock for `storeError` only once an asynchronous `get` returned its
 * promise. A failed asynchronous `get` still reports how long it ran.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCache } from '../../packages/core/src/engine/create-cache.js';
import { memoryStore } from '../../packages/core/src/stores/memory.js';
import type { CacheStore } from '../../packages/core/src/stores/types.js';

afterEach(() => vi.restoreAllMocks());

describe('a storeError listener and the hit path', () => {
  it('a memory hit reads no clock while only storeError is heard', async () => {
    const cache = createCache({ store: memoryStore(), ttl: 60 });
    const errors: unknown[] = [];
    cache.on('storeError', (event) => errors.push(event));
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 1 } });
    await cache.getOrLoad({ baseKey, load: async () => ({ id: 1 }) });
    const now = vi.spyOn(performance, 'now');
    await cache.getOrLoad({ baseKey, load: async () => ({ id: 2 }) });
    expect(now).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
  });

  it('a failed asynchronous get still reports how long it ran', async () => {
    const base = memoryStore();
    const store: CacheStore = {
      ...base,
      name: 'slow-broken',
      get: () => new Promise((_, reject) => setTimeout(() => reject(new Error('down')), 30)),
    };
    const cache = createCache({ store, ttl: 60, storeTimeout: 5_000 });
    const durations: number[] = [];
    cache.on('storeError', ({ operation, durationMs }) => {
      if (operation === 'get') durations.push(durationMs);
    });
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 1 } });
    const answer = await cache.getOrLoad({ baseKey, load: async () => 'fresh' });
    expect(answer).toMatchObject({ value: 'fresh' });
    expect(durations).toHaveLength(1);
    expect(durations[0]).toBeGreaterThanOrEqual(25);
  });
});
