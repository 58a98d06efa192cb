/**
 * Regression (issue 8, item 7): key derivation was quadratic in the number of object keys (an
 * insertion sort) — a 70k-key input (1.1 MB) blocked the event loop for 10–29 s where the
 * uncached route took 0.24 s — and an input of any size was encoded and hashed on every call
 * (a 10 MB string cost as much on a hit as on a miss). Now derivation is O(n log n) and an
 * input past `MAX_INPUT_LENGTH` is refused after reading about its length, and served uncached
 * (`BYPASS`). Time bounds are generous ratios (best of several runs), never tight timings.
 */
import { createCache, KeyError } from '@routecache/core';
import { deriveBaseKey, MAX_INPUT_LENGTH } from '@routecache/core/adapter';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { recordingXCache, useCachedHttpServer } from '../support/cached-http-server.js';

/** Fastest of `runs` runs of `fn`, ms: the least disturbed by other load on the machine. */
function bestOf(runs: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** An object of `n` keys inserted out of order (a sorted insertion order would hide the sort). */
function manyKeys<T>(n: number, value: T): Record<string, T> {
  const input: Record<string, T> = {};
  for (let i = 0; i < n; i++) input[`k${(i * 7919) % n}.${i}`] = value;
  return input;
}

function derive(input: unknown): string | KeyError {
  try {
    return deriveBaseKey('api', 'search', input);
  } catch (error) {
    if (error instanceof KeyError) return error;
    throw error;
  }
}

describe('key derivation scales as n log n', () => {
  // The sort itself (quadratic before) is checked structurally in key-sort-work.test.ts.

  it.each<[string, () => unknown]>([
    ['a 10 MB string', () => 'x'.repeat(10_000_000)],
    ['an object with 70k keys (1.1 MB)', () => manyKeys(70_000, 1)],
    ['an array of 1M numbers', () => new Array(1_000_000).fill(7)],
  ])('%s is refused as too large in a fraction of JSON.stringify’s time', (_name, make) => {
    const input = make();
    const error = derive(input);
    expect(error).toBeInstanceOf(KeyError);
    expect((error as KeyError).reason).toBe('too-large');
    // Before: encoded whole, then hashed (a 10 MB string: 20× JSON.stringify of it).
    expect(bestOf(3, () => derive(input))).toBeLessThan(bestOf(3, () => JSON.stringify(input)) * 3);
  });

  it('keys an input right at the bound', () => {
    const input = 'x'.repeat(MAX_INPUT_LENGTH - 2); // the quotes make it MAX_INPUT_LENGTH
    expect(derive(input)).toMatch(/^api\|search\|~/); // hashed: longer than a key may be
    expect(derive(`${input}x`)).toBeInstanceOf(KeyError);
  });
});

describe('an oversized input over HTTP (POST method override) is served uncached, in time', () => {
  const t = initTRPC.create();
  const cacheMiddleware = createCacheMiddleware(createCache());
  const runs = { cached: 0, uncached: 0 };
  const counts = z.record(z.string(), z.number());
  const router = t.router({
    cached: t.procedure
      .input(counts)
      .use(cacheMiddleware({ scope: 'public' }))
      .query(({ input }) => {
        runs.cached++;
        return Object.keys(input).length;
      }),
    uncached: t.procedure.input(counts).query(({ input }) => {
      runs.uncached++;
      return Object.keys(input).length;
    }),
  });
  const server = useCachedHttpServer({ router, allowMethodOverride: true });
  const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});

  it('70k keys: 200 with BYPASS twice, as fast as the uncached route give or take', async () => {
    const xCache: (string | null)[] = [];
    const client = createTRPCClient<typeof router>({
      links: [
        httpLink({ url: server.url, methodOverride: 'POST', fetch: recordingXCache(xCache) }),
      ],
    });
    const input = manyKeys(70_000, 1);
    const timed = async (call: () => Promise<number>) => {
      const started = performance.now();
      expect(await call()).toBe(70_000);
      return performance.now() - started;
    };
    const uncached = Math.min(
      await timed(() => client.uncached.query(input)),
      await timed(() => client.uncached.query(input)),
    );
    const cached = Math.min(
      await timed(() => client.cached.query(input)),
      await timed(() => client.cached.query(input)),
    );
    expect(xCache.slice(2)).toEqual(['BYPASS', 'BYPASS']);
    expect(runs.cached).toBe(2); // nothing stored: the resolver ran each time
    // Before: 10–29 s against 0.24 s uncached.
    expect(cached).toBeLessThan(uncached * 3 + 500);
    const codes = warnings.mock.calls.map(([, options]) => (options as { code?: string }).code);
    expect(codes.filter((code) => code === 'ROUTECACHE_UNKEYABLE_INPUT')).toHaveLength(1);
  }, 120_000);
});
