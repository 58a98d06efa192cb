import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry, CacheStore, EntryAddress } from '../stores/types.js';
import type { MaybePromise } from '../types.js';
import { testEntry, uniqueNames } from './entries.js';

/**
 * Options of {@link storeContractSuite}.
 *
 * @example
 * ```ts
 * const options: StoreContractOptions = { disposeAfterEach: false, expiryMs: 1_500 };
 * storeContractSuite('myStore', () => sharedStore, options);
 * ```
 */
export interface StoreContractOptions {
  /**
   * Call `store.dispose()` after each test. Set `false` when `makeStore` hands out one shared
   * instance (the suite only uses keys and tags unique to each test, so sharing is safe).
   * @default true
   */
  disposeAfterEach?: boolean;
  /**
   * Lifetime (real milliseconds) of the entries in the expiry test; the test waits twice as
   * long. Raise it for stores whose expiry is coarse.
   * @default 100
   */
  expiryMs?: number;
}

/**
 * The contract every {@link CacheStore} keeps, as a vitest suite. Run it against your store to
 * prove round trips, expiry, invalidation counts and fences behave as the engine relies on.
 * Store-agnostic: every call is awaited, no fake timers, real (short) expiry.
 *
 * @param name - suite title, e.g. `'redisStore'`.
 * @param makeStore - a fresh store (or a shared one, with `disposeAfterEach: false`) per test.
 * @example
 * ```ts
 * import { storeContractSuite } from '@routecache/core/testing';
 * import { memoryStore } from '@routecache/core';
 *
 * storeContractSuite('memoryStore', () => memoryStore());
 * ```
 */
// Long on purpose (~230 lines): a test suite, one short `it` per clause of the CacheStore
// contract inside one `describe`, so a third-party store runs the whole contract with one call.
export function storeContractSuite(
  name: string,
  makeStore: () => MaybePromise<CacheStore>,
  options: StoreContractOptions = {},
): void {
  const disposeAfterEach = options.disposeAfterEach ?? true;
  const expiryMs = options.expiryMs ?? 100;

  describe(`${name}: CacheStore contract`, () => {
    const names = uniqueNames(name);
    let store: CacheStore;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      if (disposeAfterEach) await store.dispose?.();
    });

    /** Fence then set, as the engine does; resolves to `set`'s answer. */
    async function put(address: EntryAddress, entry: CacheEntry): Promise<boolean> {
      return store.set(address, entry, await store.fence(address));
    }

    function tagged(address: EntryAddress, value: unknown = address.key): CacheEntry {
      return testEntry(value, { tags: address.tags });
    }

    it('declares a name and whether it needs bytes', () => {
      expect(typeof store.name).toBe('string');
      expect(store.name.length).toBeGreaterThan(0);
      expect(typeof store.requiresBytes).toBe('boolean');
    });

    it('misses an unknown key', async () => {
      expect(await store.get(names.name('unknown'))).toBeUndefined();
    });

    it('round-trips a value entry with its metadata', async () => {
      const address = names.address({ tags: [names.name('a'), names.name('b')] });
      const value = { id: 7, name: 'Ada', at: new Date(1_700_000_000_000), list: [1, 'two', null] };
      const entry = testEntry(value, {
        tags: address.tags,
        etag: '"abc"',
        freshMs: 5_000,
        staleMs: 9_000,
      });
      expect(await put(address, entry)).toBe(true);

      const got = await store.get(address.key);
      expect(got).toBeDefined();
      expect(got?.value).toEqual(value);
      expect(got?.kind).toBe('value');
      expect(got?.etag).toBe('"abc"');
      expect(got?.codec).toBe(entry.codec);
      expect(got?.format).toBe(entry.format);
      expect(got?.tags).toEqual(address.tags);
      expect(got?.storedAt).toBe(entry.storedAt);
      expect(got?.freshUntil).toBe(entry.freshUntil);
      expect(got?.staleUntil).toBe(entry.staleUntil);
    });

    it('round-trips a stream entry (chunks and return value)', async () => {
      const address = names.address();
      const record = { chunks: [{ n: 1 }, { n: 2 }, 'three'], returnValue: { done: true } };
      expect(await put(address, testEntry(record, { kind: 'stream' }))).toBe(true);

      const got = await store.get(address.key);
      expect(got?.kind).toBe('stream');
      expect(got?.value).toEqual(record);
    });

    it('replaces the entry at a key and re-indexes it', async () => {
      const oldTag = names.name('old');
      const newTag = names.name('new');
      const first = names.address({ tags: [oldTag] });
      const second = { ...first, tags: [newTag] };
      await put(first, tagged(first, 'first'));
      await put(second, tagged(second, 'second'));

      expect((await store.get(first.key))?.value).toBe('second');
      // The replaced entry no longer carries the old tag.
      expect(await store.invalidateTags([oldTag])).toBe(0);
      expect((await store.get(first.key))?.value).toBe('second');
      expect(await store.invalidate(first.baseKey)).toBe(1);
    });

    it("expires an entry after staleUntil, by its own clock or the caller's (now)", async () => {
      // The engine hands `get` its `Date.now()` reading. Whether a store judges expiry by it
      // (an answer given at once) or by its own clock (an answer given later), a current
      // reading must serve a live entry and miss an expired one.
      const address = names.address();
      const live = names.address();
      await put(address, testEntry('soon gone', { freshMs: expiryMs / 2, staleMs: expiryMs }));
      expect((await store.get(address.key))?.value).toBe('soon gone');
      expect((await store.get(address.key, Date.now()))?.value).toBe('soon gone');
      await put(live, testEntry('live'));

      await new Promise((resolve) => setTimeout(resolve, expiryMs * 2));
      expect(await store.get(address.key)).toBeUndefined();
      expect(await store.get(address.key, Date.now())).toBeUndefined();
      expect((await store.get(live.key, Date.now()))?.value).toBe('live');
    });

    it('keeps serving an entry past freshUntil until staleUntil', async () => {
      const address = names.address();
      await put(address, testEntry('stale but kept', { freshMs: -1_000, staleMs: 60_000 }));
      expect((await store.get(address.key))?.value).toBe('stale but kept');
    });

    it('does not serve an entry that was already expired when set', async () => {
      const address = names.address();
      await put(address, testEntry('dead on arrival', { freshMs: -2_000, staleMs: -1_000 }));
      expect(await store.get(address.key)).toBeUndefined();
    });

    it('deletes one key and reports whether it existed', async () => {
      const address = names.address();
      await put(address, tagged(address));
      expect(await store.delete(address.key)).toBe(true);
      expect(await store.get(address.key)).toBeUndefined();
      expect(await store.delete(address.key)).toBe(false);
    });

    it('invalidates every variant of a base key and counts them', async () => {
      const baseKey = names.name('base');
      const variants = ['', 'v=a', 'v=b'].map((variant) => names.address({ baseKey, variant }));
      const other = names.address();
      for (const address of [...variants, other]) await put(address, tagged(address));

      expect(await store.invalidate(baseKey)).toBe(3);
      for (const address of variants) expect(await store.get(address.key)).toBeUndefined();
      expect((await store.get(other.key))?.value).toBe(other.key);
      expect(await store.invalidate(baseKey)).toBe(0);
    });

    it('invalidates by tags, counting an entry with several matching tags once', async () => {
      const [t1, t2, t3] = [names.name('t1'), names.name('t2'), names.name('t3')];
      const both = names.address({ tags: [t1, t2] });
      const onlyT2 = names.address({ tags: [t2] });
      const onlyT3 = names.address({ tags: [t3] });
      for (const address of [both, onlyT2, onlyT3]) await put(address, tagged(address));

      expect(await store.invalidateTags([t1, t2])).toBe(2);
      expect(await store.get(both.key)).toBeUndefined();
      expect(await store.get(onlyT2.key)).toBeUndefined();
      expect((await store.get(onlyT3.key))?.value).toBe(onlyT3.key);
      expect(await store.invalidateTags([t1, t2])).toBe(0);
      expect(await store.invalidateTags([])).toBe(0);
    });

    it('keeps the base-key index after a tag invalidation removed an entry', async () => {
      const tag = names.name('tag');
      const baseKey = names.name('base');
      const taggedVariant = names.address({ baseKey, variant: 'x', tags: [tag] });
      const plainVariant = names.address({ baseKey, variant: 'y' });
      await put(taggedVariant, tagged(taggedVariant));
      await put(plainVariant, tagged(plainVariant));

      expect(await store.invalidateTags([tag])).toBe(1);
      expect(await store.invalidate(baseKey)).toBe(1);
    });

    describe('fences', () => {
      it('refuses a fill when its base key was invalidated after the fence', async () => {
        const address = names.address();
        const fence = await store.fence(address);
        await store.invalidate(address.baseKey);
        expect(await store.set(address, tagged(address), fence)).toBe(false);
        expect(await store.get(address.key)).toBeUndefined();
      });

      it('refuses a fill when one of its tags was invalidated after the fence', async () => {
        const tag = names.name('tag');
        const address = names.address({ tags: [names.name('untouched'), tag] });
        const fence = await store.fence(address);
        await store.invalidateTags([tag]);
        expect(await store.set(address, tagged(address), fence)).toBe(false);
        expect(await store.get(address.key)).toBeUndefined();
      });

      it('refuses a fill when the store was cleared after the fence', async () => {
        const address = names.address();
        const fence = await store.fence(address);
        await store.clear();
        expect(await store.set(address, tagged(address), fence)).toBe(false);
        expect(await store.get(address.key)).toBeUndefined();
      });

      it('admits a fill when only unrelated keys and tags were invalidated', async () => {
        const address = names.address({ tags: [names.name('mine')] });
        const fence = await store.fence(address);
        await store.invalidate(names.name('other-base'));
        await store.invalidateTags([names.name('other-tag')]);
        expect(await store.set(address, tagged(address), fence)).toBe(true);
        expect((await store.get(address.key))?.value).toBe(address.key);
      });

      it('admits a fill fenced after the invalidation', async () => {
        const address = names.address();
        await store.invalidate(address.baseKey);
        expect(await put(address, tagged(address))).toBe(true);
        expect((await store.get(address.key))?.value).toBe(address.key);
      });

      it('fences each variant of an invalidated base key', async () => {
        const baseKey = names.name('base');
        const a = names.address({ baseKey, variant: 'a' });
        const b = names.address({ baseKey, variant: 'b' });
        const fenceA = await store.fence(a);
        const fenceB = await store.fence(b);
        await store.invalidate(baseKey);
        expect(await store.set(a, tagged(a), fenceA)).toBe(false);
        expect(await store.set(b, tagged(b), fenceB)).toBe(false);
      });
    });

    it('clears everything', async () => {
      const tag = names.name('tag');
      const addresses = [names.address({ tags: [tag] }), names.address()];
      for (const address of addresses) await put(address, tagged(address));
      await store.clear();
      for (const address of addresses) expect(await store.get(address.key)).toBeUndefined();
      expect(await store.invalidateTags([tag])).toBe(0);
      expect(await store.invalidate(addresses[1]?.baseKey ?? '')).toBe(0);
    });

    it('holds many keys and invalidates them by a shared tag', async () => {
      const count = 200;
      const tag = names.name('bulk');
      const addresses = Array.from({ length: count }, () => names.address({ tags: [tag] }));
      await Promise.all(addresses.map((address) => put(address, tagged(address))));

      const got = await Promise.all(addresses.map((address) => store.get(address.key)));
      expect(got.map((entry) => entry?.value)).toEqual(addresses.map((address) => address.key));
      expect(await store.invalidateTags([tag])).toBe(count);
      const after = await Promise.all(addresses.map((address) => store.get(address.key)));
      expect(after.every((entry) => entry === undefined)).toBe(true);
    });
  });
}
