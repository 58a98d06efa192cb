/**
 * The cost of `@routecache/core/otel` on a hit (issue 16): the same tRPC query served from the
 * memory store through a createCaller, by a plain cache and by one instrumented with the real
 * OpenTelemetry SDK (a meter provider with a reader, so every instrument records; a tracer
 * provider, though a hit makes no span), and by one instrumented with `timeL1Hits` (each memory
 * hit also recorded in the lookup-duration histogram: what that option costs). Interleaved
 * medians, see harness.ts. A second section measures the engine's `call` alone, where the same
 * added work is a larger share.
 */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { type Cache, createCache, memoryStore } from '@routecache/core';
import { instrument } from '@routecache/core/otel';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { compare, type Row } from './harness.js';

const value = { id: 42, name: 'Ada', teams: [{ id: 1, name: 'core' }] };
const input = { id: 42 };

/** A meter provider whose instruments record (a reader is attached; it exports once an hour). */
function sdkProviders() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return { meterProvider, tracerProvider: new BasicTracerProvider() };
}

/** A caller of one cached query over `cache`, warmed so the next call is a hit. */
async function hitCaller(cache: Cache) {
  const t = initTRPC.create();
  const cached = createCacheMiddleware(cache);
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input((raw) => raw as { id: number })
        .use(cached({ scope: 'public', ttl: 3600 }))
        .query(() => value),
    }),
  });
  const caller = t.createCallerFactory(router)({});
  await caller.users.get(input);
  return caller;
}

/**
 * The three caches of the otel sections, each with a warmed caller of one cached query: `plain`,
 * `instrumented` with the real SDK ({@link sdkProviders}), and `timed`, instrumented with
 * `timeL1Hits`. `close` removes the instrumentation and releases them. Shared with `probe.ts`
 * (`otel plain|instrumented|timed`).
 */
export async function otelArms() {
  const providers = sdkProviders();
  const plain = createCache({ store: memoryStore(), ttl: 3600 });
  const instrumented = createCache({ store: memoryStore(), ttl: 3600 });
  const timed = createCache({ store: memoryStore(), ttl: 3600 });
  const stops = [
    instrument(instrumented, providers),
    instrument(timed, { ...providers, timeL1Hits: true }),
  ];
  const close = async () => {
    for (const stop of stops) stop();
    await Promise.all([
      plain.dispose(),
      instrumented.dispose(),
      timed.dispose(),
      providers.meterProvider.shutdown(),
    ]);
  };
  return {
    plain: { cache: plain, caller: await hitCaller(plain) },
    instrumented: { cache: instrumented, caller: await hitCaller(instrumented) },
    timed: { cache: timed, caller: await hitCaller(timed) },
    input,
    close,
  };
}

/** Run the otel sections: instrumented vs plain hit, through tRPC and through the engine. */
export async function runOtelBench(): Promise<Row[]> {
  const { plain, instrumented, timed, close } = await otelArms();
  const rows = await compare({
    title: 'instrumented hit (tRPC createCaller, memory store, OpenTelemetry SDK 2.x)',
    baseline: { name: 'plain hit', fn: () => plain.caller.users.get(input) },
    contenders: [
      { name: 'instrumented hit', fn: () => instrumented.caller.users.get(input) },
      { name: 'instrumented hit, timeL1Hits', fn: () => timed.caller.users.get(input) },
    ],
  });

  const load = async () => ({ ok: true as const, value });
  const request = { route: 'users.get', input, load };
  await Promise.all([plain, instrumented, timed].map(({ cache }) => cache.call(request)));
  rows.push(
    ...(await compare({
      title: 'otel engine call hit (memory store)',
      baseline: { name: 'plain engine call', fn: () => plain.cache.call(request) },
      contenders: [
        { name: 'instrumented engine call', fn: () => instrumented.cache.call(request) },
        { name: 'instrumented engine call, timeL1Hits', fn: () => timed.cache.call(request) },
      ],
    })),
  );
  await close();
  return rows;
}
