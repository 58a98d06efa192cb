import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamRecord } from '../stores/types.js';
import { createCache } from './create-cache.js';
import type { LookupResult, PendingFill } from './types.js';

const record: StreamRecord = { chunks: [1, 2, 3], returnValue: 'done' };

function fillOf(result: LookupResult): PendingFill {
  if (result.hit) throw new Error(`expected a miss, got ${result.status}`);
  return result.fill;
}

describe('lookup + PendingFill', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('misses, commits a stream, then hits with the entry', async () => {
    vi.useFakeTimers();
    const cache = createCache({ ttl: 30 });
    const fill = fillOf(await cache.lookup({ baseKey: 'k', tags: ['t'] }));
    const committed = await fill.commit(record, 'stream');
    expect(committed).toEqual({ stored: true, etag: expect.stringMatching(/^"/) });

    const found = await cache.lookup({ baseKey: 'k' });
    expect(found).toMatchObject({ hit: true, status: 'HIT', maxAge: 30 });
    if (!found.hit) throw new Error('unreachable');
    expect(found.entry.kind).toBe('stream');
    expect(found.entry.value).toBe(record);
    expect(found.entry.etag).toBe(committed.etag);
    expect(await cache.invalidateTags(['t'])).toBe(1);
  });

  it("reports the entry's kind through getOrLoad, whatever the value's shape", async () => {
    const cache = createCache();
    await fillOf(await cache.lookup({ baseKey: 'stream' })).commit(record, 'stream');
    const load = () => Promise.resolve({ chunks: [], returnValue: 1 });
    expect(await cache.getOrLoad({ baseKey: 'stream', load })).toMatchObject({
      status: 'HIT',
      kind: 'stream',
      value: record,
    });
    // A plain value shaped like a stream record stays a value, on the miss and on the hit.
    const miss = await cache.getOrLoad({ baseKey: 'plain', load });
    expect(miss).toMatchObject({ status: 'MISS', kind: 'value' });
    const hit = await cache.getOrLoad({ baseKey: 'plain', load });
    expect(hit).toMatchObject({ status: 'HIT', kind: 'value', value: miss.value });
  });

  it('does not single-flight: concurrent misses each get a fill', async () => {
    const cache = createCache();
    const [a, b] = await Promise.all([
      cache.lookup({ baseKey: 'k' }),
      cache.lookup({ baseKey: 'k' }),
    ]);
    expect([a?.hit, b?.hit]).toEqual([false, false]);
  });

  it('stores nothing after abort, and commits only once', async () => {
    const cache = createCache();
    const aborted = fillOf(await cache.lookup({ baseKey: 'a' }));
    aborted.abort();
    expect(await aborted.commit(record, 'stream')).toEqual({ stored: false, etag: undefined });
    expect((await cache.lookup({ baseKey: 'a' })).hit).toBe(false);

    const once = fillOf(await cache.lookup({ baseKey: 'b' }));
    expect((await once.commit('v', 'value')).stored).toBe(true);
    expect((await once.commit('w', 'value')).stored).toBe(false);
  });

  it('refuses a commit after an invalidation that landed since the lookup', async () => {
    const cache = createCache();
    const fill = fillOf(await cache.lookup({ baseKey: 'k', tags: ['t'] }));
    await cache.invalidateTags(['t']);
    expect((await fill.commit(record, 'stream')).stored).toBe(false);
    expect((await cache.lookup({ baseKey: 'k' })).hit).toBe(false);
  });

  it('stops counting a fill its caller dropped without commit or abort once it is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Only Date is faked: the collector's callbacks run from real tasks.
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = createCache({ ttl: 1, staleWhileRevalidate: 60 });
    await fillOf(await cache.lookup({ baseKey: 'k' })).commit('v1', 'value');
    vi.setSystemTime(Date.now() + 2_000);

    // A refresher that drops its fill (in its own frame, so no register of this one holds it):
    // while the fill is alive, others are served STALE.
    const refresh = async () => {
      fillOf(await cache.lookup({ baseKey: 'k' }));
    };
    await refresh();
    expect(await cache.lookup({ baseKey: 'k' })).toMatchObject({ hit: true, status: 'STALE' });
    // Once it is collected, the key is no longer blocked: the next caller gets a fill.
    await vi.waitFor(
      async () => {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
        const found = await cache.lookup({ baseKey: 'k' });
        if (!found.hit) found.fill.abort();
        expect(found.hit).toBe(false);
      },
      { timeout: 4_000, interval: 20 },
    );
  });

  it('within staleWhileRevalidate: the first caller refreshes, the others get STALE meanwhile', async () => {
    vi.useFakeTimers();
    const cache = createCache({ ttl: 1, staleWhileRevalidate: 60 });
    await fillOf(await cache.lookup({ baseKey: 'k' })).commit('v1', 'value');
    vi.advanceTimersByTime(2_000);

    const refresher = fillOf(await cache.lookup({ baseKey: 'k' }));
    const other = await cache.lookup({ baseKey: 'k' });
    expect(other).toMatchObject({ hit: true, status: 'STALE', maxAge: 0 });

    await refresher.commit('v2', 'value');
    const after = await cache.lookup({ baseKey: 'k' });
    expect(after).toMatchObject({ hit: true, status: 'HIT', entry: { value: 'v2' } });
  });
});
