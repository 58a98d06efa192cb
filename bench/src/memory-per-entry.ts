/**
 * Heap per kept entry (issue 13, row 7): 1M distinct keys with ~200 B row values (fill.ts's
 * `fillValue`), a plain lru-cache against routecache's `memoryStore` filled through `getOrLoad`,
 * each arm in a child process of its own with `--expose-gc` (memory-per-entry-child.ts). The
 * rows' `medianNs` is bytes per kept entry (heap growth after `gc()` / entries), the ratio that
 * over lru-cache's. The routecache arm also prints what its store accounts per entry against
 * `maxBytes` (that must not undercount what the heap really holds).
 *
 * Bounded: one fill of 1M keys per arm (≈10–40 s each on a shared 2-core machine).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Row } from './harness.js';
import type { ArmResult } from './memory-per-entry-child.js';

const ENTRIES = 1_000_000;
const TITLE = `memory per entry (${ENTRIES / 1e6}M keys, ~200 B values, bytes per kept entry after gc)`;
const CHILD = fileURLToPath(new URL('./memory-per-entry-child.ts', import.meta.url));

function spawnArm(arm: string): Promise<ArmResult> {
  const args = [
    '--expose-gc',
    '--max-old-space-size=8192',
    '--conditions=source',
    '--import',
    'tsx',
  ];
  const child = spawn(process.execPath, [...args, CHILD, arm, String(ENTRIES)], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(JSON.parse(stdout) as ArmResult);
      else reject(new Error(`memory per entry arm ${arm} exited ${code ?? signal}: ${stderr}`));
    });
  });
}

/** Run both arms one after the other; rows: bytes per entry, ratio over lru-cache. */
export async function runMemoryPerEntryBench(): Promise<Row[]> {
  const lru = await spawnArm('lru-cache');
  const routecache = await spawnArm('routecache');
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
