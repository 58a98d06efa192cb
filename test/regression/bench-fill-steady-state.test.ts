/**
 * Regression (issue 13, fill row): the fill section said the entries of both arms evict at
 * steady state, but the floor, bounded by 64 MiB of values' JSON (~200 B each), held ~335,000
 * entries and never evicted in the section's ~92,000 calls, while routecache's store, which
 * accounts what an entry retains, evicted from its ~55,600th fill on: the floor was spared the
 * eviction each of routecache's measured fills paid. Both arms now start full, the floor bounded
 * to the entries the store holds at capacity, and every call of either evicts one entry.
 */
import { describe, expect, it } from 'vitest';
import { fillArms } from '../../bench/src/fill.js';

describe('fillArms', () => {
  it('starts both arms full, so every measured call of either evicts one entry', async () => {
    const arms = await fillArms();
    try {
      expect(arms.held).toBeGreaterThan(1_000);
      expect(arms.lru.size).toBe(arms.held);
      expect(arms.tagged.size).toBe(arms.held);
      let evicted = 0;
      const stop = arms.cache.on('evicted', () => {
        evicted++;
      });
      const calls = 2_000;
      for (let i = 0; i < calls; i++) {
        arms.floor();
        await arms.reference();
        await arms.fill();
      }
      stop();
      // The floor and the reference stay at their bound: each set pushed the oldest entry out.
      expect(arms.lru.size).toBe(arms.held);
      expect(arms.tagged.size).toBe(arms.held);
      // The store, full from the start, evicts about one entry per fill (an entry's accounted
      // size varies by a few bytes with its id, so a fill may push out none or two).
      expect(evicted).toBeGreaterThan(calls * 0.9);
      expect(evicted).toBeLessThan(calls * 1.1);
    } finally {
      await arms.dispose();
    }
  });
});
