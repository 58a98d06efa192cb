/**
 * Regression (issue 16): `routecache.invalidations` told a tags invalidation from a base-key one
 * by whether it named tags, so `invalidateTags([])` was counted as `base_key`. The type now
 * follows the call made (`invalidate` names one base key, `invalidateTags` none); and a failed
 * store call's span (`routecache store <operation>`) lasted 0 ms instead of the call's time.
 */
import { createCache, memoryStore } from '@routecache/core';
import { instrument } from '@routecache/core/otel';
import { afterAll, describe, expect, it } from 'vitest';
import { type OtelSdk, points, startOtelSdk } from '../otel/otel-sdk.js';

const sdk: OtelSdk = startOtelSdk();
afterAll(() => sdk.shutdown());

describe('routecache.invalidations and store error spans', () => {
  it('counts invalidateTags([]) as a tags invalidation', async () => {
    const meters = sdk.meters();
    const cache = createCache();
    const stop = instrument(cache, { meterProvider: meters.meterProvider });
    await cache.invalidateTags([]);
    expect(points(await meters.collect(), 'routecache.invalidations')).toEqual([
      [{ 'routecache.invalidation.type': 'tags' }, 1],
    ]);
    stop();
  });

  it('times a failed store call span by the call, not 0 ms', async () => {
    const memory = memoryStore();
    const hanging = { ...memory, get: () => new Promise<undefined>(() => {}) };
    const cache = createCache({ store: hanging, storeTimeout: 30 });
    const stop = instrument(cache, { tracerProvider: sdk.tracerProvider });
    await cache.getOrLoad({ baseKey: 'k', load: async () => 1 });
    const [span] = sdk.spans.getFinishedSpans().filter((s) => s.name === 'routecache store get');
    const [seconds, nanos] = span?.duration ?? [0, 0];
    expect(seconds * 1e3 + nanos / 1e6).toBeGreaterThanOrEqual(25);
    stop();
  });
});
