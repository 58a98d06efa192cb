/**
 * Memory bounds (issue 8, item 15): what each bounded layer really holds after a flood of 1M
 * values under distinct keys, as a ratio to its bound (32 MiB; target ≤ 1.25), and its heap per
 * kept entry against a plain lru-cache holding the same keys and values.
 *
 * The floods are those of `test/regression/memory-bounds.test.ts` at full size, each in a child
 * process with `--expose-gc` (test/support/memory-floods.ts): `memoryStore` fills of `true` and
 * of row objects, a tiered L1 filled by hits on a real redis-server, and the Redis decode memo.
 * The lru-cache baselines run here (main.ts starts this section with `--expose-gc`).
 *
 * Heap figures are `heapUsed` after `gc()` plus `arrayBuffers` (typed-array contents live outside
 * `heapUsed`). Run alone: `pnpm bench memory`.
 */
import { LRUCache } from 'lru-cache';
import {
  FLOODS,
  type FloodName,
  type FloodResult,
  floodContent,
  spawnFlood,
} from '../../test/support/memory-floods.js';
import type { Row } from './harness.js';
import { runMemoryPerEntryBench } from './memory-per-entry.js';

const ENTRIES = 1_000_000;
const MAX_BYTES = 32 * 1024 * 1024;
const TITLE = `memory floods (${ENTRIES / 1e6}M distinct keys, maxBytes ${MAX_BYTES / 2 ** 20} MiB)`;

const LABELS: Record<FloodName, string> = {
  memory: 'memoryStore, true',
  memoryObjects: 'memoryStore, row objects',
  tiered: 'tiered L1 (Redis L2 hits)',
  decodeMemo: 'redis decode memo',
};

function heapNow(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the memory section needs node --expose-gc (see main.ts)');
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Heap per entry of a plain lru-cache holding `count` of the flood's keys and values. */
function lruBytesPerEntry(flood: FloodName, count: number): number {
  const { key, value } = floodContent(flood);
  const before = heapNow();
  const lru = new LRUCache<string, object | boolean>({ max: count });
  for (let i = 0; i < count; i++) lru.set(key(i), value(i));
  const grown = heapNow() - before;
  if (lru.size !== count) throw new Error('the baseline lost entries');
  return grown / count;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The rows of one flood: the heap it held (MiB; ratio to `maxBytes`) and its heap per kept entry
 * (bytes; ratio to a plain lru-cache's `lruPerEntry`).
 *
 * @example
 * ```ts
 * floodRows('memoryStore, true', 21e6, 512, 123); // [{ …, unit: 'MiB', ratio: 0.63 }, { …, unit: 'B', ratio: 4.16 }]
 * ```
 */
export function floodRows(name: string, held: number, perKept: number, lruPerEntry: number): Row[] {
  return [
    {
      section: TITLE,
      name: `${name}: heap / maxBytes`,
      medianNs: held / 2 ** 20,
      unit: 'MiB',
      ratio: held / MAX_BYTES,
    },
    {
      section: TITLE,
      name: `${name}: per kept entry / lru-cache`,
      medianNs: perKept,
      unit: 'B',
      ratio: perKept / lruPerEntry,
    },
  ];
}

/**
 * Run the memory floods, then the `memory per entry` arms (memory-per-entry.ts); returns their
 * rows (ratios: heap / maxBytes, per entry / lru-cache).
 */
export async function runMemoryBench(): Promise<Row[]> {
  const perEntry = await runMemoryPerEntryBench();
  const results: FloodResult[] = [];
  // One at a time: each child's figures are its own, but a busy machine slows them all.
  for (const flood of FLOODS)
    results.push(await spawnFlood(flood, { entries: ENTRIES, maxBytes: MAX_BYTES }));

  console.log(`\n## ${TITLE}`);
  console.log(
    '  flood                        heap held  × maxBytes      kept  per kept  lru-cache  × lru   time',
  );
  const rows: Row[] = [];
  for (const result of results) {
    const held = result.heapGrowth + result.arrayBufferGrowth;
    const perKept = held / result.kept;
    const lru = lruBytesPerEntry(result.flood, result.kept);
    const ratio = held / MAX_BYTES;
    console.log(
      `  ${LABELS[result.flood].padEnd(27)}${mb(held).padStart(10)}${`${ratio.toFixed(2)}×`.padStart(11)}` +
        `${String(result.kept).padStart(10)}${`${perKept.toFixed(0)} B`.padStart(10)}` +
        `${`${lru.toFixed(0)} B`.padStart(11)}${`${(perKept / lru).toFixed(1)}×`.padStart(7)}` +
        `${`${(result.ms / 1000).toFixed(0)} s`.padStart(7)}`,
    );
    rows.push(...floodRows(LABELS[result.flood], held, perKept, lru));
  }
  return [...perEntry, ...rows];
}
