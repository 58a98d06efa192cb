/**
 * Memory bounds (issue 8, item 15): a bounded cache layer must bound the heap, not a proxy of it.
 * Before the fix, 1M tiny values in `memoryStore({ maxBytes: 32 MiB })` held 3.8× the bound (256
 * bytes accounted per entry, ~1.2 kB real), a tiered L1 accounted its entries' live value but not
 * the bytes they also hold, and the Redis decode memo counted envelope bytes only (11×).
 *
 * Each flood runs in a child process with `--expose-gc` (test/support/memory-floods.ts): 200k
 * distinct keys, 15–25 times what the bound holds, then the heap growth after `gc()` (plus the
 * typed-array bytes held outside the heap) must stay within 1.25× the bound. A bound, not a
 * timing: the floods run in parallel and their time limit is a generous ceiling.
 */
import { describe, expect, it } from 'vitest';
import { type FloodName, spawnFlood } from '../support/memory-floods.js';
import { redisAvailable } from '../support/redis-server.js';

const MAX_BYTES = 8 * 1024 * 1024;
const ENTRIES = 200_000;
const BOUND = 1.25;
const CEILING_MS = 240_000;

const floods: ReadonlyArray<[FloodName, string, boolean]> = [
  ['memory', 'memoryStore, 200k `true` fills under distinct keys', false],
  ['tiered', 'tieredStore L1 (memory over a real Redis L2), 200k L2 hits', true],
  ['decodeMemo', "redisStore's decode memo (its budget = the bound), 200k hits", true],
];

describe.concurrent('memory bounds under floods of distinct keys', () => {
  for (const [flood, what, needsRedis] of floods) {
    it.skipIf(needsRedis && !redisAvailable())(
      `${what}: heap growth ≤ ${BOUND}× the bound`,
      async () => {
        const result = await spawnFlood(flood, { entries: ENTRIES, maxBytes: MAX_BYTES });
        const ratio = (result.heapGrowth + result.arrayBufferGrowth) / MAX_BYTES;
        const report = `${flood}: ${ratio.toFixed(2)}× the bound, ${JSON.stringify(result)}`;
        expect(ratio, report).toBeLessThanOrEqual(BOUND);
        // The flood overflowed the bound many times over, and the layer still holds entries.
        expect(result.kept, report).toBeGreaterThan(0);
        expect(result.kept, report).toBeLessThan(ENTRIES / 10);
      },
      CEILING_MS,
    );
  }
});
