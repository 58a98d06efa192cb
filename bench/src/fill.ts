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
 * A reference arm, shown beside the target and never judged, does the least a fill that answers
 * `If-None-Match` without hashing on a hit must add to the floor: its load is awaited (as
 * `getOrLoad`'s is), the value's JSON is hashed into a SHA-256 ETag, and the value is kept beside
 * that ETag and its fill time, in an lru-cache of the same bound.
 *
 * Bounded: about 15,000 fills to reach capacity, then 41 rounds × 2,000 calls per arm after a
 * 10,000-call warm-up (a few seconds).
 */
import { hash } from 'node:crypto';
import { createCache, memoryStore } from '@routecache/core';
import { LRUCache } from 'lru-cache';
import { rowValue } from '../../test/support/row-value.js';
import { compare, type Row } from './harness.js';

const route = 'users.get';

/**
 * The arms of a fill, shared by the section and the callgrind probe: the floor (`lru.set` of a
 * fresh key, sized by `JSON.stringify`), the reference (the floor with its load awaited and a
 * SHA-256 ETag of the value's JSON kept beside the value) and routecache's `getOrLoad` miss +
 * store, each full from the start and holding the same number of entries (`held`): every call
 * evicts one. `lru`, `tagged` and `cache` are the arms' own, to check that. Call `dispose` when
 * done.
 *
 * @example
 * ```ts
 * const { floor, reference, fill, held, dispose } = await fillArms();
 * floor();
 * await reference();
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
  const tagged = new LRUCache<string, object>({ max: held, maxSize: maxBytes });
  let taggedId = 0;
  const reference = async () => {
    const id = taggedId++;
    const value = await (async () => rowValue(id))();
    const json = JSON.stringify(value);
    const etag = `"${hash('sha256', json, 'base64url')}"`;
    const record = { value, etag, storedAt: Date.now() };
    tagged.set(JSON.stringify([route, { id }]), record, { size: json.length });
  };
  while (taggedId < held) await reference();
  return { floor, reference, fill, held, lru, tagged, cache, dispose: () => cache.dispose() };
}

/** The name of the reference arm in the fill section's table (never judged). */
export const FILL_REFERENCE = 'reference: value + SHA-256 ETag of its JSON, load awaited';

/** Run the fill section; returns its rows (ratios relative to `lru.set + JSON.stringify`). */
export async function runFillBench(): Promise<Row[]> {
  const arms = await fillArms();
  const rows = await compare({
    title: 'fill (miss + store, ~200 B value, fresh key per call)',
    baseline: { name: 'lru.set + JSON.stringify (key, and value for its size)', fn: arms.floor },
    contenders: [
      { name: FILL_REFERENCE, fn: arms.reference },
      { name: 'routecache miss + store (getOrLoad, await)', fn: arms.fill },
    ],
  });
  await arms.dispose();
  return rows;
}
