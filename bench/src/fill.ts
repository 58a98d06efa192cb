/**
 * Fill path (issue 13, row 6): a miss that loads and stores a ~200 B value under a fresh key per
 * call, against the least a byte-bounded in-process cache does for the same call: derive the key
 * with `JSON.stringify`, size the value with `JSON.stringify` and `lru.set` it. routecache's fill
 * also takes the fence, runs the single-flight, encodes the value once (its size and ETag come
 * from the bytes) and indexes the entry by base key; the entries of both evict at steady state.
 *
 * Bounded: 41 rounds × 2,000 calls per arm after a 10,000-call warm-up (a few seconds).
 */
import { createCache, memoryStore } from '@routecache/core';
import { LRUCache } from 'lru-cache';
import { compare, type Row } from './harness.js';

const route = 'users.get';

/**
 * A row of about 200 bytes of JSON, fresh per call (what a resolver returns).
 *
 * @example
 * ```ts
 * JSON.stringify(fillValue(1)).length; // ≈ 200
 * ```
 */
export function fillValue(id: number) {
  return {
    id,
    name: `user ${id}`,
    email: `user${id}@example.com`,
    active: id % 2 === 0,
    score: id / 7,
    roles: ['reader', 'writer'],
    bio: 'Writes about caches, HTTP semantics and database migrations.',
  };
}

/** Run the fill section; returns its rows (ratios relative to `lru.set + JSON.stringify`). */
export async function runFillBench(): Promise<Row[]> {
  const maxBytes = 64 * 1024 * 1024;
  const lru = new LRUCache<string, object>({ maxSize: maxBytes });
  const cache = createCache({ store: memoryStore({ maxBytes }), ttl: 3600 });
  let lruId = 0;
  let cacheId = 0;
  const rows = await compare({
    title: 'fill (miss + store, ~200 B value, fresh key per call)',
    baseline: {
      name: 'lru.set + JSON.stringify (key, and value for its size)',
      fn: () => {
        const id = lruId++;
        const value = fillValue(id);
        lru.set(JSON.stringify([route, { id }]), value, { size: JSON.stringify(value).length });
      },
    },
    contenders: [
      {
        name: 'routecache miss + store (getOrLoad, await)',
        fn: () => {
          const id = cacheId++;
          return cache.getOrLoad({
            baseKey: cache.keyFor({ route, input: { id } }),
            load: async () => fillValue(id),
          });
        },
      },
    ],
  });
  await cache.dispose();
  return rows;
}
