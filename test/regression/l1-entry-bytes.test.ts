/**
 * Guards: an in-process L1 keeps its copies without the entry's encoded bytes (issue 14 review).
 *
 * A tiered store's L1 (a memory store, `requiresBytes: false`) never reads `entry.bytes`, yet it
 * kept them beside the decoded value — both for entries this instance filled and for L2 hits it
 * copied — and counted them against its `maxBytes`, so L1 held about half what its bound said.
 */
import type { CacheEntry, CacheStore } from '@routecache/core';
import { memoryStore, tieredStore } from '@routecache/core';
import { testEntry } from '@routecache/core/testing';
import { describe, expect, it } from 'vitest';

const baseKeyOf = (key: string) => key.split('#')[0] ?? key;

async function put(store: CacheStore, key: string, value: string): Promise<void> {
  const address = { key, baseKey: baseKeyOf(key), tags: [] };
  await store.set(address, testEntry(value), await store.fence(address));
}

describe('tieredStore L1 copies', () => {
  it('hold no encoded bytes, whether filled here or read from L2', async () => {
    const l1 = memoryStore();
    const l2: CacheStore = { ...memoryStore(), requiresBytes: true };
    const store = tieredStore({ l1, l2, baseKeyOf });
    await put(store, 'filled#', 'filled');
    await put(l2, 'read#', 'from l2');
    expect((await store.get('read#'))?.value).toBe('from l2');
    await Promise.resolve(); // the L2 hit is copied into L1 after it is answered

    for (const [key, value] of [
      ['filled#', 'filled'],
      ['read#', 'from l2'],
    ] as const) {
      expect((l2.get(key) as CacheEntry | undefined)?.bytes).toBeInstanceOf(Uint8Array);
      const copy = l1.get(key) as CacheEntry | undefined;
      expect(copy?.value).toBe(value);
      expect(copy?.bytes).toBeUndefined();
    }
  });
});
