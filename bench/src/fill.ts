/**
 * Fill path (issue 13, row 6): a miss that loads and stores a ~200 B value under a fresh key per
 * call, against the least a byte-bounded in-process cache does for the same call: derive the key
 * with `JSON.stringify`, size the value with `JSON.stringify` and `lru.set` it. routecache's fill
 * also takes the fence, runs the single-flight, encodes the value once (its size and ETag come
 * from the bytes) and indexes the entry by base key.
 *
 * Both arms run at steady state, as a cache in service does: each starts full and evicts one
 * entry per fill. The floor is bounded to the number of entries routecache's store holds at its
 * `maxBytes` (counted once, by filling it until it first evicts): one `maxBytes` would not do,
 * since the floor counts only the value's JSON while the store accounts what an entry retains,
 * and the floor would hold several times as many entries and never evict during the section.
 *
 * Bounded: about 15,000 fills to reach capacity, then 41 rounds × 2,000 calls per arm after a
 * 10,000-call warm-up (a few seconds).
 */
import { createCache, memoryStore } from '@routecache/core';
import { LRUCache } from 'lru-cache';
import { rowValue } from '../../test/support/row-value.js';
import { compare, type Row } from './harness.js';

const route = 'users.get';

/**
 * The two arms of a fill, shared by the section and the callgrind probe: the floor
 * (`lru.set` of a fresh key, sized by `JSON.stringify`) and routecache's `getOrLoad` miss + store,
 * each full from the start and holding the same number of entries (`held`): every call evicts
 * one. `lru` and `cache` are the arms' own, to check that. Call `dispose` when done.
 *
 * @example
 * ```ts
 * const { floor, fill, held, dispose } = await fillArms();
 * floor();
 * await fill();
 * await dispose();
 * ```
 */
export async function fillArms() {
  const maxBytes = 16 * 1024 * 1024;
  const cache = createCache({ store: memoryStore({ maxBytes }), ttl: 3600 });
  let cacheId = 0;
  const fill = () => {
    const id = cacheId++;
    return cache.getOrLoad({
      baseKey: cache.keyFor({ route, input: { id } }),
      load: async () => rowValue(id),
    });
  };
  let evicted = false;
  const stop = cache.on('evicted', () => {
    evicted = true;
  });
  while (!evicted) await fill();
  stop();
  // The fills before the one whose store evicted: what the store holds at capacity.
  const held = cacheId - 1;
  const lru = new LRUCache<string, object>({ max: held, maxSize: maxBytes });
  let lruId = 0;
  const floor = () => {
    const id = lruId++;
    const value = rowValue(id);
    lru.set(JSON.stringify([route, { id }]), value, { size: JSON.stringify(value).length });
  };
  while (lruId < held) floor();
  return { floor, fill, held, lru, cache, dispose: () => cache.dispose() };
}

/** Run the fill section; returns its rows (ratios relative to `lru.set + JSON.stringify`). */
export async function runFillBench(): Promise<Row[]> {
  const arms = await fillArms();
  const rows = await compare({
    title: 'fill (miss + store, ~200 B value, fresh key per call)',
    baseline: { name: 'lru.set + JSON.stringify (key, and value for its size)', fn: arms.floor },
    contenders: [{ name: 'routecache miss + store (getOrLoad, await)', fn: arms.fill }],
  });
  await arms.dispose();
  return rows;
}
