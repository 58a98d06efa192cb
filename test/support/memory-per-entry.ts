/**
 * Heap per kept entry (issue 13, row 7): fill one cache with distinct keys and ~200 B row values
 * and measure, after `gc()`, the heap each kept entry holds; for routecache also the bytes its
 * store accounts per entry against `maxBytes`. Each arm runs in a child process of its own with
 * `--expose-gc` (memory-per-entry-child.ts). `pnpm bench memory` runs it with 1M keys, the
 * regression test (`test/regression/memory-per-entry.test.ts`) with 100k.
 */

import { fileURLToPath } from 'node:url';
import { runJsonChild } from './memory-floods.js';

/**
 * The arms: a plain lru-cache (bounded by count), two references for what a byte-bounded cache
 * with validators must hold at least (lru-cache bounded by `maxSize`, each entry sized; the same
 * with each value kept beside its ETag, a quoted SHA-256 in base64url as routecache's), and
 * routecache's memoryStore filled through `getOrLoad`.
 */
export const PER_ENTRY_ARMS = [
  'lru-cache',
  'lru-cache maxSize',
  'lru-cache maxSize + ETag',
  'routecache',
] as const;
export type PerEntryArm = (typeof PER_ENTRY_ARMS)[number];

/** What one arm measured. */
export interface PerEntryResult {
  arm: PerEntryArm;
  entries: number;
  /** `heapUsed` + `arrayBuffers` growth after `gc()`, per kept entry. */
  bytesPerEntry: number;
  /** Bytes the store counts against `maxBytes` per entry (routecache only). */
  accountedPerEntry?: number;
  /** Wall time of the fill, ms (context only). */
  ms: number;
}

const CHILD = fileURLToPath(new URL('./memory-per-entry-child.ts', import.meta.url));

/**
 * Run one arm in a child process (`node --expose-gc`, TypeScript through tsx) and resolve to
 * what it measured.
 *
 * @example
 * ```ts
 * const { bytesPerEntry } = await spawnPerEntry('routecache', 100_000);
 * ```
 */
export function spawnPerEntry(arm: PerEntryArm, entries: number): Promise<PerEntryResult> {
  const args = [
    '--expose-gc',
    '--max-old-space-size=8192',
    '--conditions=source',
    '--import',
    'tsx',
  ];
  return runJsonChild<PerEntryResult>(
    [...args, CHILD, arm, String(entries)],
    `memory per entry arm ${arm}`,
  );
}
