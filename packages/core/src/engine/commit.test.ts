import { describe, expect, it } from 'vitest';
import { binaryCodec } from '../codec/index.js';
import { strongEtag } from '../http/etag.js';
import { memoryStore } from '../stores/memory.js';
import type { CacheStore } from '../stores/types.js';
import { createCache } from './create-cache.js';

const values = [
  { id: 1, name: 'Ada', teams: ['core'] },
  { id: 2, name: 'Grace', teams: ['compilers', 'navy'], bio: 'x'.repeat(500) },
];

/** Fill one entry per value, in turn, and read back what the store holds. */
async function fillAll(store: CacheStore) {
  const cache = createCache({ store, ttl: 60 });
  const keys = values.map((value) => cache.keyFor({ route: 'users.get', input: { id: value.id } }));
  for (const [i, value] of values.entries()) {
    await cache.getOrLoad({ baseKey: keys[i] as string, load: async () => value });
  }
  return keys.map(
    (key) => store.get(key) as Exclude<ReturnType<CacheStore['get']>, Promise<unknown>>,
  );
}

describe('commit: the bytes an entry is sized and tagged by', () => {
  it("rcb1's transient bytes are the bytes encode returns", () => {
    for (const value of values) {
      const copy = binaryCodec.encode(value);
      expect(Array.from(binaryCodec.encodeTransient?.(value) ?? [])).toEqual(Array.from(copy));
    }
  });

  it('over a store that keeps live values, each entry has the size and ETag of its own bytes', async () => {
    const entries = await fillAll(memoryStore());
    for (const [i, value] of values.entries()) {
      const bytes = binaryCodec.encode(value);
      expect(entries[i]?.bytes).toBeUndefined();
      expect(entries[i]?.size).toBe(bytes.length);
      expect(entries[i]?.etag).toBe(strongEtag(bytes));
    }
  });

  it('over a store that keeps bytes, each entry keeps a copy that later fills do not overwrite', async () => {
    const entries = await fillAll({ ...memoryStore(), requiresBytes: true });
    for (const [i, value] of values.entries()) {
      const bytes = entries[i]?.bytes;
      expect(bytes).toBeDefined();
      expect(binaryCodec.decode(bytes as Uint8Array)).toEqual(value);
      expect(entries[i]?.etag).toBe(strongEtag(binaryCodec.encode(value)));
    }
  });
});
