/**
 * A tRPC app whose cache is instrumented with `@routecache/core/otel`, its metrics exported for
 * Prometheus by `@opentelemetry/exporter-prometheus` on `/metrics`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createCache, memoryStore } from '@routecache/core';
import { instrument } from '@routecache/core/otel';
import { createCacheMiddleware } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';

const MAX_BYTES = 32 * 1024 * 1024;

/** The app's router: two cached queries. */
function appRouter() {
  const t = initTRPC.create();
  const cache = createCache({ store: memoryStore({ maxBytes: MAX_BYTES }), ttl: 30 });
  const cached = createCacheMiddleware(cache);
  const router = t.router({
    products: t.router({
      get: t.procedure
        .input(z.object({ id: z.number() }))
        .use(cached({ scope: 'public', tags: ['products'] }))
        .query(({ input }) => ({ id: input.id, name: `Product ${input.id}` })),
      list: t.procedure
        .use(cached({ scope: 'public', tags: ['products'] }))
        .query(() => [1, 2, 3].map((id) => ({ id, name: `Product ${id}` }))),
    }),
  });
  return { router, cache };
}

export type AppRouter = ReturnType<typeof appRouter>['router'];

/** The running example: the tRPC server's and the metrics endpoint's URLs. */
export interface RunningApp {
  readonly trpcUrl: string;
  readonly metricsUrl: string;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/**
 * Start the app on `port` and its Prometheus endpoint on `metricsPort` (0: free ports).
 *
 * @example
 * ```ts
 * const app = await startApp({ port: 3000, metricsPort: 9464 });
 * // scrape app.metricsUrl (http://127.0.0.1:9464/metrics)
 * ```
 */
export async function startApp(options: {
  port: number;
  metricsPort: number;
}): Promise<RunningApp> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const { router, cache } = appRouter();
  const stop = instrument(cache, { meterProvider });
  const trpc = createCachedHTTPServer({ router, basePath: '/trpc/' });
  const metrics = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  const [port, metricsPort] = await Promise.all([
    listen(trpc, options.port),
    listen(metrics, options.metricsPort),
  ]);
  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    trpcUrl: `http://127.0.0.1:${port}/trpc`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    async close() {
      stop();
      trpc.closeAllConnections();
      metrics.closeAllConnections();
      await Promise.all([close(trpc), close(metrics)]);
      await meterProvider.shutdown();
      await cache.dispose();
    },
  };
}
