/**
 * The real OpenTelemetry SDK (2.x) for the otel tests: a meter provider read by an in-memory
 * exporter, a Node tracer provider (AsyncLocalStorage context) exporting to memory, and
 * `@opentelemetry/instrumentation-http` making the HTTP server spans.
 */
import { createRequire } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';

/** A meter provider of its own (one per test, so cumulative sums start at zero) and its reader. */
export interface TestMeters {
  readonly meterProvider: MeterProvider;
  /** Collect now: every metric by name. */
  collect(): Promise<Map<string, MetricData>>;
}

export interface OtelSdk {
  readonly tracerProvider: NodeTracerProvider;
  readonly spans: InMemorySpanExporter;
  /** A new meter provider, shut down with the SDK. */
  meters(): TestMeters;
  shutdown(): Promise<void>;
}

/**
 * Start the SDK and register the HTTP instrumentation. Tests import `node:http` as ESM, which
 * the instrumentation's require hook never sees: requiring it once here lets the hook patch
 * the module (its server prototype is shared with the ESM import), so servers created after
 * this call make server spans.
 */
export function startOtelSdk(): OtelSdk {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  tracerProvider.register();
  const providers: MeterProvider[] = [];
  const stopInstrumenting = registerInstrumentations({
    tracerProvider,
    instrumentations: [new HttpInstrumentation()],
  });
  createRequire(import.meta.url)('node:http');
  return {
    tracerProvider,
    spans,
    meters() {
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: 3_600_000,
      });
      const meterProvider = new MeterProvider({ readers: [reader] });
      providers.push(meterProvider);
      return {
        meterProvider,
        async collect() {
          exporter.reset();
          await reader.forceFlush();
          const byName = new Map<string, MetricData>();
          for (const resource of exporter.getMetrics()) {
            for (const scope of resource.scopeMetrics) {
              for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
            }
          }
          return byName;
        },
      };
    },
    async shutdown() {
      stopInstrumenting();
      await Promise.all(providers.map((provider) => provider.shutdown()));
      await tracerProvider.shutdown();
    },
  };
}

/** The data points of a metric as `[attributes, value]` pairs (`undefined` if never reported). */
export function points(metrics: Map<string, MetricData>, name: string) {
  const metric = metrics.get(name);
  if (metric === undefined) return undefined;
  return (metric.dataPoints as DataPoint<unknown>[]).map((p) => [p.attributes, p.value] as const);
}

/** The count of a histogram's points per attribute set. */
export function histogramCounts(metrics: Map<string, MetricData>, name: string) {
  return points(metrics, name)?.map(([attributes, value]) => [
    attributes,
    (value as Histogram).count,
  ]);
}
