/**
 * `@routecache/core/otel` with the real OpenTelemetry SDK 2.x: tRPC calls over real HTTP
 * (createCachedHTTPServer, the real @trpc/client), the metrics read by the SDK's in-memory
 * exporter, the spans by its in-memory span exporter, the HTTP server spans made by
 * @opentelemetry/instrumentation-http; and a real redis-server killed under the cache.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createCache, memoryStore, tieredStore } from '@routecache/core';
import { instrument } from '@routecache/core/otel';
import { redisStore } from '@routecache/core/redis';
import { createCacheMiddleware } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';
import { recordingClient } from '../support/trpc-client.js';
import { listenServer } from '../support/trpc-server.js';
import {
  histogramCounts,
  type OtelSdk,
  points,
  startOtelSdk,
  type TestMeters,
} from './otel-sdk.js';

const sdk: OtelSdk = startOtelSdk();
afterAll(() => sdk.shutdown());

const t = initTRPC.context<{ user: string | undefined }>().create();
const MAX_BYTES = 4 * 1024 * 1024;

/** A router of one cached query over `cache`, served by createCachedHTTPServer on loopback. */
async function serve(cache: ReturnType<typeof createCache>) {
  const runs = { n: 0 };
  const cached = createCacheMiddleware(cache, { principal: (ctx: { user?: string }) => ctx.user });
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input(z.object({ id: z.string() }))
        .use(cached({ scope: 'public', ttl: 60 }))
        .query(({ input }) => {
          runs.n++;
          return { id: input.id, name: 'Ada Lovelace' };
        }),
      me: t.procedure.use(cached({ scope: 'private' })).query(() => 'anonymous'),
    }),
  });
  const server = createCachedHTTPServer({
    router,
    basePath: '/trpc/',
    createContext: ({ req }) => ({ user: req.headers['x-user'] as string | undefined }),
  });
  const { url, close } = await listenServer(server);
  closers.push(close);
  return { url, runs, client: recordingClient<typeof router>(url) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  sdk.spans.reset();
});

/** Every attribute value the SDK received, metrics and spans, as strings. */
async function everyAttributeValue(meters: TestMeters): Promise<string[]> {
  const values: string[] = [];
  for (const metric of (await meters.collect()).values()) {
    for (const point of metric.dataPoints)
      values.push(...Object.values(point.attributes).map(String));
  }
  for (const span of sdk.spans.getFinishedSpans()) {
    if (span.name.startsWith('routecache'))
      values.push(...Object.values(span.attributes).map(String));
  }
  return values;
}

describe('instrument(cache) over HTTP', () => {
  it('counts a MISS then a HIT, times the miss, and makes one fill span under the HTTP server span', async () => {
    const meters = sdk.meters();
    const cache = createCache({ store: memoryStore({ maxBytes: MAX_BYTES }) });
    const stop = instrument(cache, {
      meterProvider: meters.meterProvider,
      tracerProvider: sdk.tracerProvider,
    });
    closers.push(async () => stop());
    const { client, runs } = await serve(cache);
    const { client: trpc, responses } = client;
    expect(await trpc.users.get.query({ id: 'user-42' })).toEqual({
      id: 'user-42',
      name: 'Ada Lovelace',
    });
    expect(await trpc.users.get.query({ id: 'user-42' })).toMatchObject({ id: 'user-42' });
    expect(responses.map((r) => r.headers.get('x-cache'))).toEqual(['MISS', 'HIT']);
    expect(runs.n).toBe(1);

    const metrics = await meters.collect();
    const route = { 'routecache.route': 'users.get' };
    const l1 = { ...route, 'routecache.layer': 'L1' };
    expect(points(metrics, 'routecache.misses')).toEqual([[l1, 1]]);
    expect(points(metrics, 'routecache.hits')).toEqual([[l1, 1]]);
    expect(points(metrics, 'routecache.stored')).toEqual([[route, 1]]);
    // The memory hit is counted above and not timed (timeL1Hits is off): only the miss is.
    expect(histogramCounts(metrics, 'routecache.lookup.duration')).toEqual([
      [{ ...l1, 'routecache.result': 'miss' }, 1],
    ]);
    expect(histogramCounts(metrics, 'routecache.fill.duration')).toEqual([
      [{ ...route, 'routecache.fill.outcome': 'stored' }, 1],
    ]);
    const [size] = points(metrics, 'routecache.entry.size') ?? [];
    expect(size?.[0]).toEqual(route);
    expect(size?.[1]).toMatchObject({ count: 1, sum: expect.any(Number) });
    expect((size?.[1] as { sum: number } | undefined)?.sum ?? 0).toBeGreaterThan(10);
    const store = { 'routecache.store': 'memory' };
    const [usage] = points(metrics, 'routecache.memory.usage') ?? [];
    expect(usage?.[0]).toEqual(store);
    expect(usage?.[1]).toBeGreaterThan(0);
    expect(points(metrics, 'routecache.memory.limit')).toEqual([[store, MAX_BYTES]]);
    expect(metrics.get('routecache.lookup.duration')?.descriptor.unit).toBe('s');

    const finished = sdk.spans.getFinishedSpans();
    const fills = finished.filter((span) => span.name === 'routecache fill');
    const servers = finished.filter((span) => span.kind === SpanKind.SERVER);
    expect(fills).toHaveLength(1);
    expect(servers).toHaveLength(2);
    const [fill] = fills;
    const parent = servers.find(
      (span) => span.spanContext().spanId === fill?.parentSpanContext?.spanId,
    );
    expect(parent, 'the fill span is a child of an HTTP server span').toBeDefined();
    expect(fill?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(fill?.attributes).toEqual({ ...route, 'routecache.fill.outcome': 'stored' });
    // The fill ran inside the request that missed: it started and ended within its server span.
    const ms = ([s, ns]: readonly [number, number]) => s * 1e3 + ns / 1e6;
    expect(ms(fill?.startTime ?? [0, 0])).toBeGreaterThanOrEqual(
      ms(parent?.startTime ?? [0, 0]) - 1,
    );
    expect(ms(fill?.endTime ?? [0, 0])).toBeLessThanOrEqual(ms(parent?.endTime ?? [0, 0]) + 1);

    // Attributes name routes, layers and outcomes: never the input or the key.
    const values = await everyAttributeValue(meters);
    expect(values.some((v) => v.includes('user-42'))).toBe(false);
    expect(
      values.some((v) =>
        v.includes(cache.keyFor({ route: 'users.get', input: { id: 'user-42' } })),
      ),
    ).toBe(false);
  });

  it('counts a call the adapter bypasses, with its reason', async () => {
    const meters = sdk.meters();
    const cache = createCache();
    const stop = instrument(cache, { meterProvider: meters.meterProvider });
    closers.push(async () => stop());
    const { client } = await serve(cache);
    expect(await client.client.users.me.query()).toBe('anonymous');
    expect(client.last().headers.get('x-cache')).toBe('BYPASS');
    const metrics = await meters.collect();
    expect(points(metrics, 'routecache.bypasses')).toContainEqual([
      { 'routecache.route': 'users.me', 'routecache.bypass.reason': 'no-principal' },
      1,
    ]);
  });
});

describe('instrument(cache) attributes', () => {
  it('caps the distinct routes at maxRoutes, folding the rest into _OTHER', async () => {
    const meters = sdk.meters();
    const cache = createCache();
    const stop = instrument(cache, { meterProvider: meters.meterProvider, maxRoutes: 2 });
    for (const route of ['a', 'b', 'c', 'd', 'a']) {
      await cache.getOrLoad({ baseKey: `k-${route}`, route, load: async () => route });
    }
    await cache.getOrLoad({ baseKey: 'no-route', load: async () => 1 });
    const metrics = await meters.collect();
    const routes = (points(metrics, 'routecache.misses') ?? [])
      .filter(([, count]) => count !== 0)
      .map(([attributes, count]) => [attributes['routecache.route'], count]);
    expect(routes).toEqual(
      expect.arrayContaining([
        ['a', 1],
        ['b', 1],
        ['_OTHER', 2],
        ['_UNKNOWN', 1],
      ]),
    );
    stop();
  });

  it('counts stale and coalesced lookups, evictions and invalidations', async () => {
    const meters = sdk.meters();
    const cache = createCache({
      store: memoryStore({ maxBytes: 4_000 }),
      ttl: 0.05,
      staleWhileRevalidate: 60,
    });
    const stop = instrument(cache, { meterProvider: meters.meterProvider });
    let release: (value: string) => void = () => {};
    const slow = () => new Promise<string>((resolve) => (release = resolve));
    const both = [0, 1].map(() => cache.getOrLoad({ baseKey: 'k', route: 'r', load: slow }));
    release('v');
    await Promise.all(both);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const stale = await cache.getOrLoad({ baseKey: 'k', route: 'r', load: async () => 'v2' });
    expect(stale.status).toBe('STALE');
    for (let i = 0; i < 30; i++) {
      await cache.getOrLoad({ baseKey: `e${i}`, ttl: 60, load: async () => 'x'.repeat(300) });
    }
    await cache.invalidate('e29');
    await cache.invalidateTags(['t']);
    const metrics = await meters.collect();
    const r = { 'routecache.route': 'r', 'routecache.layer': 'L1' };
    expect(points(metrics, 'routecache.coalesced')).toEqual([[r, 1]]);
    expect(points(metrics, 'routecache.stale')).toEqual([
      [{ ...r, 'routecache.stale.reason': 'revalidate' }, 1],
    ]);
    const evicted = points(metrics, 'routecache.evictions') ?? [];
    expect(evicted.map(([attributes]) => attributes)).toContainEqual({
      'routecache.store': 'memory',
      'routecache.eviction.reason': 'capacity',
      'routecache.layer': 'L1',
    });
    expect(points(metrics, 'routecache.invalidations')).toEqual([
      [{ 'routecache.invalidation.type': 'base_key' }, 1],
      [{ 'routecache.invalidation.type': 'tags' }, 1],
    ]);
    stop();
  });

  it("labels a tiered store's evictions with the layer that dropped the entry", async () => {
    const meters = sdk.meters();
    // L1 holds everything; L2 is small, so only L2 evicts.
    const l2 = memoryStore({ maxBytes: 4_000 });
    const store = tieredStore({ l1: memoryStore(), l2 });
    const cache = createCache({ store, ttl: 60 });
    const stop = instrument(cache, { meterProvider: meters.meterProvider });
    for (let i = 0; i < 30; i++) {
      await cache.getOrLoad({ baseKey: `e${i}`, load: async () => 'x'.repeat(300) });
    }
    const evicted = points(await meters.collect(), 'routecache.evictions') ?? [];
    expect(evicted.map(([attributes]) => attributes)).toEqual([
      {
        'routecache.store': store.name,
        'routecache.eviction.reason': 'capacity',
        'routecache.layer': 'L2',
      },
    ]);
    stop();
  });

  it('counts one invalidation per invalidate or invalidateTags call, whatever it names or removes', async () => {
    const meters = sdk.meters();
    const cache = createCache();
    const stop = instrument(cache, { meterProvider: meters.meterProvider });
    for (const baseKey of ['a', 'b']) {
      await cache.getOrLoad({ baseKey, tags: ['t1', 't2'], load: async () => baseKey });
    }
    expect(await cache.invalidateTags(['t1', 't2'])).toBe(2); // two tags, two entries: one count
    expect(await cache.invalidate('a')).toBe(0); // removed nothing: still one count
    await cache.invalidate('b');
    await cache.invalidateTags([]); // names no tags, and is still a tags invalidation
    const metrics = await meters.collect();
    expect(points(metrics, 'routecache.invalidations')).toEqual([
      [{ 'routecache.invalidation.type': 'tags' }, 2],
      [{ 'routecache.invalidation.type': 'base_key' }, 2],
    ]);
    stop();
  });

  it('gives a failed store call span the time the call ran until it timed out', async () => {
    const meters = sdk.meters();
    const memory = memoryStore();
    // A store whose reads hang: each get fails by the engine's storeTimeout.
    const hanging = { ...memory, get: () => new Promise<undefined>(() => {}) };
    const cache = createCache({ store: hanging, storeTimeout: 40 });
    const stop = instrument(cache, {
      meterProvider: meters.meterProvider,
      tracerProvider: sdk.tracerProvider,
    });
    expect(await cache.getOrLoad({ baseKey: 'k', load: async () => 1 })).toMatchObject({
      value: 1,
    });
    const metrics = await meters.collect();
    const failed = {
      'routecache.store': 'memory',
      'routecache.store.operation': 'get',
      'error.type': 'ROUTECACHE_STORE_TIMEOUT',
    };
    expect(points(metrics, 'routecache.store.errors')).toEqual([[failed, 1]]);
    const spans = sdk.spans.getFinishedSpans().filter((s) => s.name === 'routecache store get');
    expect(spans).toHaveLength(1);
    const [seconds, nanos] = spans[0]?.duration ?? [0, 0];
    const ms = seconds * 1e3 + nanos / 1e6;
    expect(ms).toBeGreaterThanOrEqual(35);
    expect(ms).toBeLessThan(5_000);
    expect(spans[0]?.attributes).toEqual(failed);
    stop();
  });

  it('times L1 hits too with timeL1Hits, each in the lookup duration of its route and layer', async () => {
    const meters = sdk.meters();
    const cache = createCache({ store: memoryStore(), ttl: 60 });
    const stop = instrument(cache, { meterProvider: meters.meterProvider, timeL1Hits: true });
    const load = async () => 'v';
    for (let i = 0; i < 3; i++) await cache.getOrLoad({ baseKey: 'k', route: 'r', load });
    const r = { 'routecache.route': 'r', 'routecache.layer': 'L1' };
    const metrics = await meters.collect();
    expect(points(metrics, 'routecache.hits')).toEqual([[r, 2]]);
    expect(histogramCounts(metrics, 'routecache.lookup.duration')).toEqual([
      [{ ...r, 'routecache.result': 'miss' }, 1],
      [{ ...r, 'routecache.result': 'hit' }, 2],
    ]);
    stop();
  });

  it('refuses unknown options, a bad maxRoutes or timeL1Hits with ROUTECACHE_INVALID_OPTION', () => {
    const cache = createCache();
    expect(() => instrument(cache, { maxRoutes: 0 })).toThrow(
      expect.objectContaining({ code: 'ROUTECACHE_INVALID_OPTION', option: 'maxRoutes' }),
    );
    expect(() => instrument(cache, { timeL1Hits: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ROUTECACHE_INVALID_OPTION', option: 'timeL1Hits' }),
    );
    expect(() => instrument(cache, { meterprovider: {} } as never)).toThrow(
      expect.objectContaining({ code: 'ROUTECACHE_INVALID_OPTION' }),
    );
  });
});

describe.skipIf(!redisAvailable())('instrument(cache) with Redis killed', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it('reports store errors as metrics and spans, opens the breaker gauge, and fails no call', async () => {
    const store = redisStore({
      connection: { host: redis.host, port: redis.port },
      // Generous for a busy 2-core machine while Redis is up; a dead Redis fails at once.
      timeout: 2_000,
      breaker: { threshold: 1, cooldownMs: 60_000 },
    });
    const meters = sdk.meters();
    const cache = createCache({ store });
    const stop = instrument(cache, {
      meterProvider: meters.meterProvider,
      tracerProvider: sdk.tracerProvider,
    });
    closers.push(async () => {
      stop();
      await cache.dispose();
    });
    const { client, runs } = await serve(cache);
    const trpc = client.client;
    await trpc.users.get.query({ id: '1' });
    await trpc.users.get.query({ id: '1' });
    expect(client.responses.map((r) => r.headers.get('x-cache'))).toEqual(['MISS', 'HIT']);
    const healthy = await meters.collect();
    const l2 = { 'routecache.route': 'users.get', 'routecache.layer': 'L2' };
    expect(points(healthy, 'routecache.hits')).toEqual([[l2, 1]]);
    // A hit answered by the shared store (L2) is timed by default.
    expect(histogramCounts(healthy, 'routecache.lookup.duration')).toContainEqual([
      { ...l2, 'routecache.result': 'hit' },
      1,
    ]);
    expect(points(healthy, 'routecache.store.breaker')).toEqual([
      [{ 'routecache.store': 'redis' }, 0],
    ]);
    sdk.spans.reset();

    await redis.kill();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await trpc.users.get.query({ id: '1' }));
    expect(answers).toEqual(Array(3).fill({ id: '1', name: 'Ada Lovelace' }));
    expect(runs.n).toBe(4); // fail-open: every call during the outage ran its resolver

    const metrics = await meters.collect();
    const errors = points(metrics, 'routecache.store.errors') ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const [attributes, count] of errors) {
      expect(attributes).toMatchObject({ 'routecache.store': 'redis' });
      expect(String(attributes['error.type'])).toMatch(/^ROUTECACHE_STORE_/);
      expect(count).toBeGreaterThan(0);
    }
    expect(points(metrics, 'routecache.store.breaker')).toEqual([
      [{ 'routecache.store': 'redis' }, 1],
    ]);

    const storeSpans = sdk.spans
      .getFinishedSpans()
      .filter((span) => span.name.startsWith('routecache store '));
    expect(storeSpans.length).toBeGreaterThan(0);
    const servers = new Set(
      sdk.spans
        .getFinishedSpans()
        .filter((span) => span.kind === SpanKind.SERVER)
        .map((span) => span.spanContext().spanId),
    );
    for (const span of storeSpans) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toMatch(/^ROUTECACHE_STORE_/);
      expect(servers.has(span.parentSpanContext?.spanId ?? '')).toBe(true);
    }
  });
});
