/**
 * Heap per kept entry (issue 13, row 7): 1M distinct keys with ~200 B row values (`rowValue`), a plain lru-cache against routecache's `memoryStore` filled through `getOrLoad`,
 * each arm in a child process of its own with `--expose-gc` (memory-per-entry-child.ts). Two
 * reference arms show what any byte-bounded cache that keeps a validator per entry holds: an
 * lru-cache bounded by `maxSize`, and the same keeping each value beside its ETag. The
 * rows' `medianNs` is bytes per kept entry (heap growth after `gc()` / entries), the ratio that
 * over lru-cache's. The routecache arm also prints what its store accounts per entry against
 * `maxBytes` (that must not undercount what the heap really holds).
 *
 * Bounded: one fill of 1M keys per arm (≈10–40 s each on a shared 2-core machine).
 */
import {
  PER_ENTRY_ARMS,
  type PerEntryArm,
  type PerEntryResult,
  spawnPerEntry,
} from '../../test/support/memory-per-entry.js';
import type { Row } from './harness.js';

const ENTRIES = 1_000_000;
/** The rows' names (targets.ts names the first and the last). */
const ROW_NAMES: Record<PerEntryArm, string> = {
  'lru-cache': 'lru-cache',
  'lru-cache maxSize': 'lru-cache bounded by bytes (reference)',
  'lru-cache maxSize + ETag': 'lru-cache bounded by bytes, value + ETag (reference)',
  routecache: 'routecache memoryStore',
};
const TITLE = `memory per entry (${ENTRIES / 1e6}M keys, ~200 B values, bytes per kept entry after gc)`;

/**
 * The row of one arm: its bytes per kept entry, and their ratio to lru-cache's (`floor`).
 *
 * @example
 * ```ts
 * perEntryRow({ arm: 'routecache', entries: 1e6, bytesPerEntry: 542, ms: 9000 }, 326); // { …, unit: 'B', ratio: 1.66 }
 * ```
 */
export function perEntryRow(result: PerEntryResult, floor: number): Row {
  return {
    section: TITLE,
    name: ROW_NAMES[result.arm],
    medianNs: result.bytesPerEntry,
    unit: 'B',
    ratio: result.bytesPerEntry / floor,
  };
}

/**
 * Run the arms one after the other (PER_ENTRY_ARMS: lru-cache, the two byte-bounded references,
 * routecache); rows: bytes per entry, ratio over lru-cache.
 */
export async function runMemoryPerEntryBench(): Promise<Row[]> {
  const results: PerEntryResult[] = [];
  for (const arm of PER_ENTRY_ARMS) results.push(await spawnPerEntry(arm, ENTRIES));
  const floor = results[0]?.bytesPerEntry ?? Number.NaN;
  console.log(`\n## ${TITLE}`);
  const rows: Row[] = [];
  for (const result of results) {
    const name = ROW_NAMES[result.arm];
    const row = perEntryRow(result, floor);
    const { ratio } = row;
    rows.push(row);
    const accounted =
      result.accountedPerEntry === undefined
        ? ''
        : `  (accounted ${result.accountedPerEntry.toFixed(0)} B)`;
    console.log(
      `  ${name.padEnd(40)}${`${result.bytesPerEntry.toFixed(0)} B`.padStart(9)}` +
        `  ${ratio.toFixed(2)}×  ${(result.ms / 1000).toFixed(0)} s${accounted}`,
    );
  }
  return rows;
}
