/**
 * Child process of the memory-per-entry measurement (started by `spawnPerEntry`,
 * memory-per-entry.ts): `node --expose-gc --conditions=source --import tsx
 * memory-per-entry-child.ts <arm> <entries>` fills one cache with `entries` distinct keys and
 * {@link rowValue} values and prints one {@link PerEntryResult} as JSON.
 */
import { createHash } from 'node:crypto';
import { createCache, memoryStore } from '@routecache/core';
import { LRUCache } from 'lru-cache';
import { flatString } from '../../packages/core/src/flat-string.js';
import { PER_ENTRY_ARMS, type PerEntryArm, type PerEntryResult } from './memory-per-entry.js';
import { rowValue } from './row-value.js';

const route = 'users.get';

function heapNow(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

interface Held {
  kept(): number;
}

function lruArm(entries: number): Held {
  const lru = new LRUCache<string, object>({ max: entries });
  for (let id = 0; id < entries; id++) lru.set(JSON.stringify([route, { id }]), rowValue(id));
  return { kept: () => lru.size };
}

/**
 * lru-cache bounded by bytes, each entry sized by its JSON; with `etag`, each value kept in a
 * two-field record beside its ETag (flat, 45 characters, as routecache's): the least a
 * byte-bounded cache that answers `If-None-Match` without hashing on a hit holds.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

function sizedLruArm(entries: number, etag: boolean): Held {
  const lru = new LRUCache<string, object>({ maxSize: UNTIL_FULL });
  for (let id = 0; id < entries; id++) {
    const value = rowValue(id);
    const json = JSON.stringify(value);
    const held = etag ? { value, etag: flatString(`"${sha256(json)}"`) } : value;
    lru.set(JSON.stringify([route, { id }]), held, { size: json.length });
  }
  return { kept: () => lru.size };
}

/** Fill `entries` keys through `getOrLoad`; returns how many the store still holds. */
async function fillRoutecache(entries: number, maxBytes: number) {
  const store = memoryStore({ maxBytes });
  const cache = createCache({ store, ttl: 3600 });
  for (let id = 0; id < entries; id++) {
    await cache.getOrLoad({
      baseKey: cache.keyFor({ route, input: { id } }),
      load: async () => rowValue(id),
    });
  }
  return {
    kept() {
      let kept = 0;
      for (let id = 0; id < entries; id++) {
        if (store.get(cache.keyFor({ route, input: { id } })) !== undefined) kept++;
      }
      return kept;
    },
  };
}

/** Large enough to keep every entry: the figure is what an entry costs, not eviction. */
const UNTIL_FULL = 16 * 1024 ** 3;
/** Small enough that the accounting probe overflows it many times. */
const PROBE_BYTES = 8 * 1024 * 1024;

const [arm = '', entriesText = '1000000'] = process.argv.slice(2);
const entries = Number(entriesText);
const arms: Record<PerEntryArm, (entries: number) => Held | Promise<Held>> = {
  'lru-cache': lruArm,
  'lru-cache maxSize': (n) => sizedLruArm(n, false),
  'lru-cache maxSize + ETag': (n) => sizedLruArm(n, true),
  routecache: (n) => fillRoutecache(n, UNTIL_FULL),
};
if (!PER_ENTRY_ARMS.includes(arm as PerEntryArm)) {
  throw new Error(`unknown arm "${arm}"; known: ${PER_ENTRY_ARMS.join(', ')}`);
}
const run = arms[arm as PerEntryArm];
(await run(10_000)).kept(); // warm-up: compiled code and lazily built state are not growth
const before = heapNow();
const started = Date.now();
const held = await run(entries);
const ms = Date.now() - started;
const grown = heapNow() - before;
const kept = held.kept();
if (kept !== entries) throw new Error(`${arm}: kept ${kept} of ${entries} entries`);
const result: PerEntryResult = {
  arm: arm as PerEntryArm,
  entries,
  bytesPerEntry: grown / kept,
  ms,
};
if (arm === 'routecache') {
  // What the store counts per entry: a full bound divided by the entries it then holds.
  const probe = await fillRoutecache(PROBE_BYTES / 100, PROBE_BYTES);
  result.accountedPerEntry = PROBE_BYTES / probe.kept();
}
console.log(JSON.stringify(result));
