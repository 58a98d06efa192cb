/**
 * Heap per kept entry (issue 13, row 7): `memoryStore` held, for every entry, a record object
 * beside the entry (its base key and tags, which an entry under its own base key does not need)
 * and a slot in the base-key index (a Map entry per base key, though such an entry is found by
 * its own key): ~90 bytes per entry beyond what lru-cache itself costs, on top of the entry object
 * and its ETag. Measured at 100k distinct keys with ~200 B row values, in child processes with
 * `--expose-gc` (test/support/memory-per-entry.ts): before the fix routecache held ~267 bytes
 * per entry more than a plain lru-cache holding the same keys and values now ~196.
 *
 * And what the store accounts per entry against `maxBytes` never undercounts what it really
 * holds (so `maxBytes` bounds the heap). Bytes, not timings; the time limit is a ceiling only.
 */
import { describe, expect, it } from 'vitest';
import { spawnPerEntry } from '../support/memory-per-entry.js';

const ENTRIES = 100_000;
/** The entry object (160) and its ETag (64) are held by design; the rest is bookkeeping. */
const MAX_EXTRA_BYTES = 230;
const CEILING_MS = 180_000;

describe('memoryStore heap per kept entry', () => {
  it(
    `holds ≤ ${MAX_EXTRA_BYTES} B per entry beyond lru-cache, and accounts no less than it holds`,
    async () => {
      const [lru, routecache] = await Promise.all([
        spawnPerEntry('lru-cache', ENTRIES),
        spawnPerEntry('routecache', ENTRIES),
      ]);
      const report = JSON.stringify({ lru, routecache });
      expect(routecache.bytesPerEntry - lru.bytesPerEntry, report).toBeLessThanOrEqual(
        MAX_EXTRA_BYTES,
      );
      expect(routecache.accountedPerEntry, report).toBeGreaterThanOrEqual(routecache.bytesPerEntry);
    },
    CEILING_MS,
  );
});
