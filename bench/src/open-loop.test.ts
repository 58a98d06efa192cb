import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createOrigin, percentile, runOpenLoop, seededRandom, zipf } from './open-loop.js';

describe('zipf', () => {
  it('draws the same sequence for the same seed, rank k about 1/(k+1)^s as often as rank 0', () => {
    const a = zipf(100, 1, seededRandom(7));
    const b = zipf(100, 1, seededRandom(7));
    const draws = Array.from({ length: 50_000 }, a);
    expect(Array.from({ length: 50_000 }, b)).toEqual(draws);
    const counts = new Array<number>(100).fill(0);
    for (const k of draws) counts[k] = (counts[k] ?? 0) + 1;
    const harmonic = Array.from({ length: 100 }, (_, k) => 1 / (k + 1)).reduce((x, y) => x + y);
    expect((counts[0] ?? 0) / draws.length).toBeCloseTo(1 / harmonic, 2);
    expect((counts[9] ?? 0) / (counts[0] ?? 1)).toBeCloseTo(0.1, 1);
    expect(Math.min(...draws)).toBe(0);
    expect(Math.max(...draws)).toBe(99);
  });
});

describe('runOpenLoop', () => {
  it('fires on schedule whether or not earlier requests completed, timing from the due time', async () => {
    const started: number[] = [];
    const t0 = performance.now();
    // Every request takes 50 ms: a closed loop of one would manage 4 in 200 ms, not 40.
    const result = await runOpenLoop({
      rate: 200,
      warmupMs: 50,
      durationMs: 150,
      request: async () => {
        started.push(performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    });
    expect(started).toHaveLength(40);
    expect(result.measured).toBe(30);
    expect(result.latencies).toHaveLength(30);
    // A closed loop of one would start the last request after 39 × 50 ms.
    expect(Math.max(...started)).toBeLessThan(1_500);
    expect(percentile(result.latencies, 0.5)).toBeGreaterThanOrEqual(49);
  });

  it('counts a rejected request as an error, not a latency', async () => {
    const result = await runOpenLoop({
      rate: 100,
      warmupMs: 0,
      durationMs: 100,
      request: async (i) => {
        if (i % 2) throw new Error('refused');
      },
    });
    expect(result.errors).toBe(5);
    expect(result.latencies).toHaveLength(5);
  });
});

describe('createOrigin', () => {
  it('refuses calls beyond its limit within a second, and counts both', async () => {
    const origin = createOrigin({ latencyMs: 1, jitterMs: 0, seed: 1, maxCallsPerSecond: 3 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => origin.call(() => 1)),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    const refusal = (outcomes[3] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(TRPCError);
    expect((refusal as TRPCError).code).toBe('TOO_MANY_REQUESTS');
    expect([origin.calls, origin.refused]).toEqual([5, 2]);
  });

  it('answers after its latency, or at once when instant', async () => {
    const origin = createOrigin({ latencyMs: 200, jitterMs: 5, seed: 1 });
    let start = performance.now();
    await origin.call(() => 1);
    expect(performance.now() - start).toBeGreaterThanOrEqual(194);
    origin.instant = true;
    start = performance.now();
    expect(await origin.call(() => 2)).toBe(2);
    expect(performance.now() - start).toBeLessThan(100);
  });
});
