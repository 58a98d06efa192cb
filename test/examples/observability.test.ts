/**
 * examples/observability: the app's cache metrics scraped from its Prometheus endpoint (the real
 * @opentelemetry/exporter-prometheus) after real tRPC calls, and the Grafana dashboard's queries
 * checked against the metric names that endpoint serves.
 */
import { readFileSync } from 'node:fs';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppRouter, type RunningApp, startApp } from '../../examples/observability/src/app.js';

const dashboard = JSON.parse(
  readFileSync(
    new URL('../../examples/observability/grafana-dashboard.json', import.meta.url),
    'utf8',
  ),
) as { panels: { title: string; targets: { expr: string }[] }[] };

describe('examples/observability', () => {
  let app: RunningApp;
  let scrape: string;
  beforeAll(async () => {
    app = await startApp({ port: 0, metricsPort: 0 });
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: app.trpcUrl })] });
    await client.products.get.query({ id: 1 });
    await client.products.get.query({ id: 1 });
    await client.products.list.query();
    scrape = await (await fetch(app.metricsUrl)).text();
  });
  afterAll(() => app.close());

  it('serves the cache metrics in the Prometheus format, by route and layer', () => {
    // Labels in the order the exporter prints them: routecache's attribute sets are built with
    // their keys sorted (the SDK sorts them on every record to hash them; sorted, that is cheap).
    const scope = 'otel_scope_name="@routecache/core"';
    const get = `routecache_layer="L1",routecache_route="products.get"`;
    expect(scrape).toContain(`routecache_hits_total{${get},${scope}} 1`);
    expect(scrape).toContain(`routecache_misses_total{${get},${scope}} 1`);
    const list = `routecache_layer="L1",routecache_route="products.list"`;
    expect(scrape).toContain(`routecache_misses_total{${list},${scope}} 1`);
    expect(scrape).toContain('# TYPE routecache_lookup_duration histogram');
    expect(scrape).toContain(
      `routecache_lookup_duration_count{routecache_layer="L1",routecache_result="miss",routecache_route="products.get",${scope}} 1`,
    );
    // The memory hit is counted (above), not timed: the example leaves timeL1Hits off.
    expect(scrape).not.toContain('routecache_result="hit"');
    expect(scrape).toMatch(/routecache_lookup_duration_bucket\{[^}]*le="0\.00005"\}/);
    expect(scrape).toMatch(
      /routecache_fill_duration_count\{[^}]*routecache_fill_outcome="stored"[^}]*\} 1/,
    );
    expect(scrape).toMatch(
      /routecache_entry_size_sum\{routecache_route="products.get",[^}]*\} \d+/,
    );
    expect(scrape).toMatch(/routecache_memory_usage\{routecache_store="memory",[^}]*\} [1-9]\d*/);
    expect(scrape).toContain(
      `routecache_memory_limit{routecache_store="memory",${scope}} 33554432`,
    );
  });

  it('charts only metrics the endpoint serves (or that are reported once they happen)', () => {
    // Served once they happen (this app has no Redis, no bypass, no stale entry, no eviction or
    // invalidation, no coalesced call); the names follow the ones served.
    const later = [
      'routecache_store_errors_total',
      'routecache_store_breaker',
      'routecache_stale_total',
      'routecache_coalesced_total',
      'routecache_bypasses_total',
      'routecache_evictions_total',
      'routecache_invalidations_total',
    ];
    const titles = dashboard.panels.map((panel) => panel.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Hit ratio per route',
        'p99 lookup latency per route',
        'Bytes held vs maxBytes',
        'Store errors',
        'Store breaker',
      ]),
    );
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        // The metric names: what is left once the `by (…)` label lists are taken out.
        const names = expr.replace(/by \([^)]*\)/g, '').match(/routecache_[a-z_]+/g) ?? [];
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) {
          if (later.includes(name)) continue;
          expect(scrape, `${panel.title} uses ${name}`).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
        }
      }
    }
  });
});
