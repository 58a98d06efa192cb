/**
 * OpenTelemetry metrics and traces for a routecache {@link Cache}: {@link instrument}. Needs the
 * optional peer dependency `@opentelemetry/api` (1.x); an SDK (`@opentelemetry/sdk-metrics`,
 * `@opentelemetry/sdk-trace-*`) registered by the app, or passed as providers, does the export.
 *
 * @packageDocumentation
 */
import {
  type Attributes,
  type BatchObservableResult,
  context,
  type Meter,
  type MeterProvider,
  metrics,
  type Observable,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
  ValueType,
} from '@opentelemetry/api';
import type { Cache, CacheEventMap } from '../engine/types.js';
import { booleanOption, numberOption, optionKeys, optionsObject } from '../options/validate.js';
import { LAYER, type LookupResult, ROUTE, RouteTable } from './routes.js';

export { OTHER_ROUTE, UNKNOWN_ROUTE } from './routes.js';

/**
 * Options of {@link instrument}.
 *
 * @example
 * ```ts
 * const options: InstrumentOptions = { meterProvider, tracerProvider, maxRoutes: 200 };
 * ```
 */
export interface InstrumentOptions {
  /** Where the metrics go. @default the global provider (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider | undefined;
  /** Where the spans go. @default the global provider (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Most distinct routes given their own `routecache.route` value; later ones are reported as
   * `_OTHER`, so the number of series stays bounded. @default 100
   */
  maxRoutes?: number | undefined;
  /**
   * Also time the hits answered by L1 (the memory store, a tiered store's L1) in
   * `routecache.lookup.duration`. Off by default: such a hit is a fixed, sub-microsecond piece of
   * work, and in SDK 2.x a histogram record hashes its attribute set every time, which costs
   * more than the memory hit it would time (`pnpm bench otel`'s `timeL1Hits` arms measure it).
   * They are counted in `routecache.hits` either way. @default false
   */
  timeL1Hits?: boolean | undefined;
}

const KNOWN_OPTIONS = optionKeys<InstrumentOptions>({
  meterProvider: true,
  tracerProvider: true,
  maxRoutes: true,
  timeL1Hits: true,
});

const SCOPE = '@routecache/core';
/** Bucket bounds (seconds) for lookups and fills: 50 µs (a memory hit) to 10 s (a slow load). */
const DURATION_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  5, 10,
];
/** Bucket bounds (bytes) for entry sizes: 64 B to 8 MiB (the memory store's default largest). */
const SIZE_BUCKETS = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 8388608];

/**
 * A monotonic count per attribute set, kept in a map and reported when the metrics are
 * collected (an observable counter): the hot lookup events cost one map update, not an SDK call.
 */
class Tally {
  readonly #counts = new Map<Attributes, number>();

  constructor(readonly instrument: Observable) {}

  add(attributes: Attributes): void {
    this.#counts.set(attributes, (this.#counts.get(attributes) ?? 0) + 1);
  }

  observe(result: BatchObservableResult): void {
    for (const [attributes, count] of this.#counts) {
      result.observe(this.instrument, count, attributes);
    }
  }
}

/** The lookup counters, one per {@link LookupResult}. */
function lookupTallies(meter: Meter): Record<LookupResult, Tally> {
  const counter = (name: string, description: string, unit: string) =>
    new Tally(meter.createObservableCounter(name, { description, unit, valueType: ValueType.INT }));
  return {
    hit: counter('routecache.hits', 'Calls answered by a fresh entry', '{call}'),
    miss: counter(
      'routecache.misses',
      'Calls that found no usable entry and ran the loader',
      '{call}',
    ),
    stale: counter('routecache.stale', 'Calls answered by a stale entry', '{call}'),
    coalesced: counter(
      'routecache.coalesced',
      'Misses that joined the fill in flight instead of loading (stampedes avoided)',
      '{call}',
    ),
  };
}

/** A span for something that ended now and lasted `ms`, under the active (request) span. */
function endedSpan(
  tracer: Tracer,
  name: string,
  ms: number,
  attributes: Attributes,
  failed: string | undefined,
): void {
  const end = performance.timeOrigin + performance.now();
  const span = tracer.startSpan(name, { startTime: end - ms, attributes }, context.active());
  if (failed !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failed });
  span.end(end);
}

/**
 * Instrument a cache with OpenTelemetry: counters, histograms and gauges of its lookups, fills
 * and store, and spans for its fills and failed store calls, children of the span active when
 * the call ran (the HTTP server span of `@opentelemetry/instrumentation-http`, so a request's
 * trace shows the cache). Attributes carry route names (the procedure path, capped at
 * `maxRoutes`), layers, reasons and error codes only: never an input, a key or a principal.
 *
 * Metrics (see the README's "Observability" for each one's attributes): `routecache.hits`,
 * `routecache.misses`, `routecache.stale`, `routecache.coalesced`, `routecache.bypasses`,
 * `routecache.stored`, `routecache.evictions`, `routecache.invalidations`,
 * `routecache.store.errors` (counters; one invalidation is one successful `invalidate(baseKey)`
 * or `invalidateTags(tags)` call, whatever it removed); `routecache.lookup.duration` (every
 * lookup but an L1 hit, unless `timeL1Hits`), `routecache.fill.duration` (seconds), `routecache.entry.size` (bytes) (histograms);
 * `routecache.memory.usage` (bytes held), `routecache.memory.limit` (`maxBytes`),
 * `routecache.store.breaker` (1 while the breaker is open). Spans: `routecache fill` and
 * `routecache store <operation>` (a failed store call, lasting as long as the call ran).
 *
 * Costs nothing until called; then an L1 hit costs two clock reads and a map update (measured
 * in `pnpm bench`'s otel section), and every other lookup one histogram record more.
 *
 * @returns a function that removes the instrumentation (listeners and gauge callbacks).
 * @throws {InvalidOptionError} `ROUTECACHE_INVALID_OPTION` for an unknown option or a
 *   `maxRoutes` that is not a positive integer, or a `timeL1Hits` that is not a boolean.
 * @example
 * ```ts
 * import { createCache } from '@routecache/core';
 * import { instrument } from '@routecache/core/otel';
 * import { MeterProvider } from '@opentelemetry/sdk-metrics';
 * import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
 *
 * const meterProvider = new MeterProvider({ readers: [new PrometheusExporter({ port: 9464 })] });
 * const cache = createCache();
 * const stop = instrument(cache, { meterProvider });
 * // … on shutdown
 * stop();
 * ```
 */
export function instrument(cache: Cache, options: InstrumentOptions = {}): () => void {
  optionsObject(options, KNOWN_OPTIONS);
  const maxRoutes = numberOption('maxRoutes', options.maxRoutes, { min: 1, integer: true }) ?? 100;
  const timeL1Hits = booleanOption('timeL1Hits', options.timeL1Hits) ?? false;
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const routes = new RouteTable(maxRoutes);
  const store = cache.store;
  const storeAttributes: Attributes = { 'routecache.store': store.name };

  const tallies = lookupTallies(meter);
  const lookupDuration = meter.createHistogram('routecache.lookup.duration', {
    description: 'Time from a call reaching the cache to its lookup being answered',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const fillDuration = meter.createHistogram('routecache.fill.duration', {
    description: 'Time a fill took: fence, lease, loader, encoding and store',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const entrySize = meter.createHistogram('routecache.entry.size', {
    description: 'Encoded size of the entries stored',
    unit: 'By',
    valueType: ValueType.INT,
    advice: { explicitBucketBoundaries: SIZE_BUCKETS },
  });
  const counter = (name: string, description: string, unit: string) =>
    meter.createCounter(name, { description, unit, valueType: ValueType.INT });
  const bypasses = counter('routecache.bypasses', 'Calls served without the cache', '{call}');
  const stored = counter('routecache.stored', 'Entries stored by fills', '{entry}');
  const evictions = counter(
    'routecache.evictions',
    'Entries the store dropped on its own',
    '{entry}',
  );
  // One count per invalidate(baseKey) (`base_key`) or invalidateTags(tags) (`tags`, however many
  // tags it names) call that the store carried out, whatever number of entries it removed.
  const invalidations = counter(
    'routecache.invalidations',
    'Successful invalidate (base_key) and invalidateTags (tags) calls, one per call',
    '{invalidation}',
  );
  const storeErrors = counter(
    'routecache.store.errors',
    'Store calls that failed or timed out',
    '{error}',
  );
  const memoryUsage = meter.createObservableUpDownCounter('routecache.memory.usage', {
    description: 'Bytes the in-process store (or a tiered store L1) holds',
    unit: 'By',
    valueType: ValueType.INT,
  });
  const memoryLimit = meter.createObservableGauge('routecache.memory.limit', {
    description: 'The in-process store bound (maxBytes)',
    unit: 'By',
    valueType: ValueType.INT,
  });
  const breaker = meter.createObservableGauge('routecache.store.breaker', {
    description: "1 while the shared store's circuit breaker is open (refusing calls), else 0",
    unit: '1',
    valueType: ValueType.INT,
  });

  const lookup = (result: LookupResult) => {
    // Decided once per result: only a hit's L1 lookups go untimed, unless timeL1Hits.
    const timesL1 = result !== 'hit' || timeL1Hits;
    return ({ route, layer, lookupMs }: CacheEventMap['hit']): void => {
      const attributes = routes.of(route);
      tallies[result].add(attributes.layer[layer]);
      if (layer === 'L1' && !timesL1) return;
      lookupDuration.record(lookupMs / 1000, attributes.lookup[result][layer]);
    };
  };

  const observe = (result: BatchObservableResult): void => {
    for (const tally of Object.values(tallies)) tally.observe(result);
    const stats = store.stats?.();
    if (stats?.bytes !== undefined) result.observe(memoryUsage, stats.bytes, storeAttributes);
    if (stats?.maxBytes !== undefined && Number.isFinite(stats.maxBytes)) {
      result.observe(memoryLimit, stats.maxBytes, storeAttributes);
    }
    if (stats?.breaker !== undefined) {
      result.observe(breaker, stats.breaker === 'open' ? 1 : 0, storeAttributes);
    }
  };
  const observables = [
    ...Object.values(tallies).map((t) => t.instrument),
    memoryUsage,
    memoryLimit,
    breaker,
  ];
  meter.addBatchObservableCallback(observe, observables);

  const offs = [
    cache.on('hit', lookup('hit')),
    cache.on('miss', lookup('miss')),
    cache.on('coalesced', lookup('coalesced')),
    cache.on('stale', (event) => {
      const attributes = routes.of(event.route);
      tallies.stale.add(attributes.stale[event.reason][event.layer]);
      lookupDuration.record(event.lookupMs / 1000, attributes.lookup.stale[event.layer]);
    }),
    cache.on('stored', ({ route, size }) => {
      const attributes = routes.of(route).route;
      stored.add(1, attributes);
      entrySize.record(size, attributes);
    }),
    cache.on('filled', ({ route, fillMs, outcome }) => {
      const attributes = { [ROUTE]: routes.of(route).name, 'routecache.fill.outcome': outcome };
      fillDuration.record(fillMs / 1000, attributes);
      const failed = outcome === 'failed' ? 'the loader failed' : undefined;
      endedSpan(tracer, 'routecache fill', fillMs, attributes, failed);
    }),
    cache.on('bypass', ({ route, reason }) => {
      bypasses.add(1, { [ROUTE]: routes.of(route).name, 'routecache.bypass.reason': reason });
    }),
    cache.on('evicted', ({ reason, layer }) => {
      const attributes = { ...storeAttributes, 'routecache.eviction.reason': reason };
      evictions.add(1, layer === undefined ? attributes : { ...attributes, [LAYER]: layer });
    }),
    cache.on('invalidated', ({ baseKeys }) => {
      // invalidate(baseKey) names one base key; invalidateTags names none (even with no tags).
      invalidations.add(1, {
        'routecache.invalidation.type': baseKeys.length > 0 ? 'base_key' : 'tags',
      });
    }),
    cache.on('storeError', ({ operation, error, durationMs }) => {
      const attributes = {
        ...storeAttributes,
        'routecache.store.operation': operation,
        'error.type': error.code,
      };
      storeErrors.add(1, attributes);
      endedSpan(tracer, `routecache store ${operation}`, durationMs, attributes, error.code);
    }),
  ];

  return () => {
    for (const off of offs) off();
    meter.removeBatchObservableCallback(observe, observables);
  };
}
