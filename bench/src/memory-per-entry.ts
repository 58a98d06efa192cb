/**
 * Heap per kept entry (issue 13, row 7): 1M distinct keys with ~200 B row values (`rowValue`), a plain lru-cache against routecache's `memoryStore` filled through `getOrLoad`,
 * each arm in a child process of its own with `--expose-gc` (memory-per-entry-child.ts). The
 * rows' `medianNs` is bytes per kept entry (heap growth after `gc()` / entries), the ratio that
 * over lru-cache's. The routecache arm also prints what its store accounts per entry against
 * `maxBytes` (that must not undercount what the heap really holds).
 *
 * Bounded: one fill of 1M keys per arm (≈10–40 s each on a shared 2-core machine).
 */
import { spawnPerEntry } from '../../test/support/memory-per-entry.js';
import type { Row } from './harness.js';

const ENTRIES = 1_000_000;
const TITLE = `memory per entry (${ENTRIES / 1e6}M keys, ~200 B values, bytes per kept entry after gc)`;

/** Run both arms one after the other; rows: bytes per entry, ratio over lru-cache. */
export async function runMemoryPerEntryBench(): Promise<Row[]> {
  const lru = await spawnPerEntry('lru-cache', ENTRIES);
  const routecache = await spawnPerEntry('routecache', ENTRIES);
  const rows: Row[] = [
    { section: TITLE, name: 'lru-cache', medianNs: lru.bytesPerEntry, ratio: 1 },
    {
      section: TITLE,
      name: 'routecache memoryStore',
      medianNs: routecache.bytesPerEntry,
      ratio: routecache.bytesPerEntry / lru.bytesPerEntry,
    },
  ];
  console.log(`\n## ${TITLE}`);
  for (const [row, result] of [
    [rows[0], lru],
    [rows[1], routecache],
  ] as const) {
    const accounted =
      result.accountedPerEntry === undefined
        ? ''
        : `  (accounted ${result.accountedPerEntry.toFixed(0)} B)`;
    console.log(
      `  ${row?.name.padEnd(24)}${`${result.bytesPerEntry.toFixed(0)} B`.padStart(9)}` +
        `  ${row?.ratio.toFixed(2)}×  ${(result.ms / 1000).toFixed(0)} s${accounted}`,
    );
  }
  return rows;
}
