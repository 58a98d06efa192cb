import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { testEntry, uniqueNames } from '../testing/entries.js';
import { storeContractSuite } from '../testing/store-contract.js';
import { resetWarningsForTests } from '../warn.js';
import { accountedSize, memoryStore } from './memory.js';
import type { CacheEntry, CacheStore, EntryAddress, EvictionReason } from './types.js';

storeContractSuite('memoryStore', () => memoryStore());

const names = uniqueNames('memory');

function put(store: CacheStore, address: EntryAddress, entry: CacheEntry): boolean {
  const stored = store.set(address, entry, store.fence(address) as object);
  if (typeof stored !== 'boolean') throw new Error('memoryStore.set must answer synchronously');
  return stored;
}

/** An entry whose value is a string of `chars` ASCII characters (about as many bytes held). */
function sizedEntry(chars: number, tags: readonly string[] = []): CacheEntry {
  return testEntry('x'.repeat(chars), { tags });
}

describe('memoryStore', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('answers synchronously and returns the live entry (no copy)', () => {
    const store = memoryStore();
    const address = names.address();
    const value = { nested: { list: [1, 2] } };
    const entry = testEntry(value);
    expect(put(store, address, entry)).toBe(true);
    const got = store.get(address.key);
    expect(got).toBe(entry);
    expect((got as CacheEntry).value).toBe(value);
    expect(store.invalidate(address.baseKey)).toBe(1);
    expect(store.requiresBytes).toBe(false);
  });

  it('stays within maxBytes under a flood of distinct keys, evicting the oldest', () => {
    const store = memoryStore({ maxBytes: 10_000 });
    const evicted: Array<[string, EvictionReason]> = [];
    store.onEvict?.((key, reason) => evicted.push([key, reason]));
    const tag = names.name('flood');
    const addresses = Array.from({ length: 1_000 }, () => names.address({ tags: [tag] }));
    for (const address of addresses) put(store, address, sizedEntry(100, [tag]));

    const live = addresses.filter((address) => store.get(address.key) !== undefined);
    // Each entry costs its 100-char value (live and encoded) + keys + overhead: far fewer than 100
    // fit in 10 000 bytes.
    expect(live.length).toBeGreaterThan(0);
    expect(live.length).toBeLessThan(30);
    expect(live.at(-1)).toBe(addresses.at(-1));
    expect(evicted.length).toBe(addresses.length - live.length);
    expect(evicted.every(([, reason]) => reason === 'capacity')).toBe(true);
    // Evicted entries left the tag index: only live ones are counted.
    expect(store.invalidateTags([tag])).toBe(live.length);
  });

  // A property run: seconds on a busy 2-core machine, past vitest's 5 s default.
  it('never accounts more than maxBytes under hostile key cardinality (long keys, many tags)', {
    timeout: 60_000,
  }, () => {
    const maxBytes = 50_000;
    const hostile = fc.record({
      key: fc.string({ minLength: 1, maxLength: 250, unit: 'grapheme' }),
      tags: fc.array(fc.string({ maxLength: 60 }), { maxLength: 5 }),
      chars: fc.integer({ min: 0, max: 20_000 }),
    });
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 200, maxLength: 400 }), (writes) => {
        const store = memoryStore({ maxBytes });
        const live = new Map<string, [EntryAddress, CacheEntry]>();
        store.onEvict?.((key) => live.delete(key));
        writes.forEach(({ key, tags, chars }, i) => {
          // Distinct storage keys every time: the flood never reuses a key.
          const address = { key: `${i}#${key}`, baseKey: `${i}|${key}`, tags };
          const entry = sizedEntry(chars, tags);
          if (put(store, address, entry)) live.set(address.key, [address, entry]);
          let accounted = 0;
          for (const [liveAddress, liveEntry] of live.values()) {
            accounted += accountedSize(liveAddress, liveEntry);
          }
          expect(accounted).toBeLessThanOrEqual(maxBytes);
        });
        // What the store still answers is exactly what the accounting counted as live.
        for (const [i, { key }] of writes.entries()) {
          const storageKey = `${i}#${key}`;
          expect(store.get(storageKey) !== undefined).toBe(live.has(storageKey));
        }
        expect(live.size).toBeGreaterThan(0);
      }),
      { numRuns: 20 },
    );
  });

  it('accounts the encoded bytes an entry carries (a tiered L1 entry) on top of its live value', () => {
    const fill = (withBytes: boolean) => {
      const store = memoryStore({ maxBytes: 200_000 });
      const addresses = Array.from({ length: 300 }, () => names.address());
      for (const address of addresses) {
        const entry = sizedEntry(2_000);
        put(store, address, withBytes ? entry : { ...entry, bytes: undefined });
      }
      return addresses.filter((address) => store.get(address.key) !== undefined).length;
    };
    const live = fill(false);
    const both = fill(true);
    // The value's string and its encoding are about the same size: half as many fit.
    expect(both).toBeGreaterThan(0);
    expect(both).toBeLessThan(live * 0.7);
  });

  it('accounts the live value, not its encoded size', () => {
    const address = names.address();
    const rows = Array.from({ length: 100 }, (_, id) => ({ id, name: `user ${id}`, on: true }));
    const entry = { ...testEntry(rows), bytes: undefined };
    // Objects hold several times their rcb1 bytes (a 56-byte object per 3-field row).
    expect(accountedSize(address, entry)).toBeGreaterThan(3 * entry.size);
  });

  it('indexes a lone variant or tag without a set, and still finds every key', () => {
    const store = memoryStore();
    const baseKey = names.name('base');
    const tag = names.name('tag');
    const one = names.address({ baseKey, variant: 'one', tags: [tag] });
    const two = names.address({ baseKey, variant: 'two', tags: [tag] });
    put(store, one, testEntry(1, { tags: [tag] }));
    put(store, one, testEntry(2, { tags: [tag] })); // replaced: still one key
    expect(store.invalidate(baseKey)).toBe(1);
    put(store, one, testEntry(1, { tags: [tag] }));
    put(store, two, testEntry(2, { tags: [tag] }));
    store.delete(one.key);
    expect(store.invalidateTags([tag])).toBe(1);
    put(store, one, testEntry(1, { tags: [tag] }));
    put(store, two, testEntry(2, { tags: [tag] }));
    expect(store.invalidate(baseKey)).toBe(2);
    expect(store.invalidateTags([tag])).toBe(0);
  });

  it('does not store an entry above maxEntrySize, and drops the older value at that key', () => {
    const store = memoryStore({ maxBytes: 100_000, maxEntrySize: 2_000 });
    const address = names.address();
    expect(put(store, address, sizedEntry(10))).toBe(true);
    expect(put(store, address, sizedEntry(5_000))).toBe(false);
    expect(store.get(address.key)).toBeUndefined();
    expect(store.invalidate(address.baseKey)).toBe(0);
  });

  it('expires by Date.now() and reports the expiry', () => {
    vi.useFakeTimers();
    const store = memoryStore();
    const evicted: Array<[string, EvictionReason]> = [];
    store.onEvict?.((key, reason) => evicted.push([key, reason]));
    const address = names.address();
    put(store, address, testEntry('v', { freshMs: 1_000, staleMs: 2_000 }));

    vi.advanceTimersByTime(1_999);
    expect(store.get(address.key)).toBeDefined();
    vi.advanceTimersByTime(1);
    expect(store.get(address.key)).toBeUndefined();
    expect(evicted).toEqual([[address.key, 'expired']]);
    expect(store.invalidate(address.baseKey)).toBe(0);
  });

  it("judges expiry against the caller's `now` when given one, else reads the clock", () => {
    vi.useFakeTimers();
    const store = memoryStore();
    const evicted: EvictionReason[] = [];
    store.onEvict?.((_key, reason) => evicted.push(reason));
    const address = names.address();
    put(store, address, testEntry('v', { freshMs: 1_000, staleMs: 2_000 }));
    const clock = vi.spyOn(Date, 'now');

    expect(store.get(address.key, Date.now() + 1_999)).toBeDefined();
    expect(store.get(address.key)).toBeDefined();
    expect(clock).toHaveBeenCalledTimes(2); // the test's own read, then the store's
    expect(store.get(address.key, Date.now() + 2_000)).toBeUndefined();
    expect(evicted).toEqual(['expired']);
    expect(store.get(address.key)).toBeUndefined(); // dropped: expired for every later caller
  });

  it('reports an expired entry pushed out by capacity as expired', () => {
    vi.useFakeTimers();
    const store = memoryStore({ maxBytes: 2_000 });
    const reasons: EvictionReason[] = [];
    store.onEvict?.((_key, reason) => reasons.push(reason));
    put(store, names.address(), testEntry('x'.repeat(500), { freshMs: 10, staleMs: 10 }));
    vi.advanceTimersByTime(20);
    put(store, names.address(), sizedEntry(500));
    expect(reasons).toEqual(['expired']);
  });

  it('forgets old invalidations beyond its history by refusing older fences', () => {
    const store = memoryStore({ invalidationHistory: 2 });
    const address = names.address();
    const oldFence = store.fence(address) as object;
    for (let i = 0; i < 3; i++) store.invalidate(names.name('unrelated'));
    // The address itself was never invalidated, but its fence predates a forgotten invalidation:
    // refusing it is the safe answer (one fill not stored, never a resurrected entry).
    expect(store.set(address, testEntry('v'), oldFence)).toBe(false);
    expect(put(store, address, testEntry('v'))).toBe(true);
  });

  it('refuses a fence made by another store', () => {
    const address = names.address();
    const foreign = memoryStore().fence(address) as object;
    expect(memoryStore().set(address, testEntry('v'), foreign)).toBe(false);
    expect(memoryStore().set(address, testEntry('v'), {})).toBe(false);
  });

  it('warns once when explicitly unbounded', () => {
    resetWarningsForTests();
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    memoryStore({ maxBytes: Number.POSITIVE_INFINITY });
    memoryStore({ maxBytes: Number.POSITIVE_INFINITY });
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0]?.[1]).toMatchObject({ code: 'ROUTECACHE_UNBOUNDED_STORE' });
  });

  it.each([
    [{ maxBytes: 0 }, 'maxBytes'],
    [{ maxBytes: -5 }, 'maxBytes'],
    [{ maxBytes: 1.5 }, 'maxBytes'],
    [{ maxBytes: Number.NaN }, 'maxBytes'],
    [{ maxEntrySize: 0 }, 'maxEntrySize'],
    [{ maxBytes: 100, maxEntrySize: 200 }, 'maxEntrySize'],
    [{ invalidationHistory: 0 }, 'invalidationHistory'],
  ])('rejects %o naming %s', (options, option) => {
    expect(() => memoryStore(options)).toThrowError(InvalidOptionError);
    expect(() => memoryStore(options)).toThrowError(expect.objectContaining({ option }));
  });
});
