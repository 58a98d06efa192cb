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
import { rowValue } from '../../test/support/row-value.js';
import { compare, type Row } from './harness.js';

const route = 'users.get';

/**
 * The two arms of a fill, shared by the section and the callgrind probe: the floor
 * (`lru.set` of a fresh key, sized by `JSON.stringify`) and routecache's `getOrLoad` miss + store,
 * each over a 64 MiB bound. Call `dispose` when done.
 *
 * @example
 * ```ts
 * const { floor, fill, dispose } = fillArms();
 * floor();
 * await fill();
 * await dispose();
 * ```
 */
export function fillArms() {
  const maxBytes = 64 * 1024 * 1024;
  const lru = new LRUCache<string, object>({ maxSize: maxBytes });
  const cache = createCache({ store: memoryStore({ maxBytes }), ttl: 3600 });
  let lruId = 0;
  let cacheId = 0;
  return {
    floor: () => {
      const id = lruId++;
      const value = rowValue(id);
      lru.set(JSON.stringify([route, { id }]), value, { size: JSON.stringify(value).length });
    },
    fill: () => {
      const id = cacheId++;
      return cache.getOrLoad({
        baseKey: cache.keyFor({ route, input: { id } }),
        load: async () => rowValue(id),
      });
    },
    dispose: () => cache.dispose(),
  };
}

/** Run the fill section; returns its rows (ratios relative to `lru.set + JSON.stringify`). */
export async function runFillBench(): Promise<Row[]> {
  const arms = fillArms();
  const rows = await compare({
    title: 'fill (miss + store, ~200 B value, fresh key per call)',
    baseline: { name: 'lru.set + JSON.stringify (key, and value for its size)', fn: arms.floor },
    contenders: [{ name: 'routecache miss + store (getOrLoad, await)', fn: arms.fill }],
  });
  await arms.dispose();
  return rows;
}
