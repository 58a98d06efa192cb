/**
 * Child process of the `memory per entry` section (memory-per-entry.ts): `node --expose-gc
 * --conditions=source --import tsx memory-per-entry-child.ts <arm> <entries>` fills one cache
 * with `entries` distinct keys and {@link fillValue} values and prints one {@link ArmResult} as
 * JSON: heap growth after `gc()` per kept entry, and (routecache) the bytes the store accounted.
 */
import { createCache, memoryStore } from '@routecache/core';
import { LRUCache } from 'lru-cache';
import { fillValue } from './fill.js';

/** What one arm measured. */
export interface ArmResult {
  arm: string;
  entries: number;
  /** `heapUsed` + `arrayBuffers` growth after `gc()`, per kept entry. */
  bytesPerEntry: number;
  /** Bytes the store counted against `maxBytes`, per entry (routecache only). */
  accountedPerEntry?: number;
  ms: number;
}

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
  for (let id = 0; id < entries; id++) lru.set(JSON.stringify([route, { id }]), fillValue(id));
  return { kept: () => lru.size };
}

/** Fill `entries` keys through `getOrLoad`; returns how many the store still holds. */
async function fillRoutecache(entries: number, maxBytes: number) {
  const store = memoryStore({ maxBytes });
  const cache = createCache({ store, ttl: 3600 });
  for (let id = 0; id < entries; id++) {
    await cache.getOrLoad({
      baseKey: cache.keyFor({ route, input: { id } }),
      load: async () => fillValue(id),
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
const arms: Record<string, (entries: number) => Held | Promise<Held>> = {
  'lru-cache': lruArm,
  routecache: (n) => fillRoutecache(n, UNTIL_FULL),
};
const run = arms[arm];
if (run === undefined) {
  throw new Error(`unknown arm "${arm}"; known: ${Object.keys(arms).join(', ')}`);
}
(await run(10_000)).kept(); // warm-up: compiled code and lazily built state are not growth
const before = heapNow();
const started = Date.now();
const held = await run(entries);
const ms = Date.now() - started;
const grown = heapNow() - before;
const kept = held.kept();
if (kept !== entries) throw new Error(`${arm}: kept ${kept} of ${entries} entries`);
const result: ArmResult = { arm, entries, bytesPerEntry: grown / kept, ms };
if (arm === 'routecache') {
  // What the store counts per entry: a full bound divided by the entries it then holds.
  const probe = await fillRoutecache(PROBE_BYTES / 100, PROBE_BYTES);
  result.accountedPerEntry = PROBE_BYTES / probe.kept();
}
console.log(JSON.stringify(result));
