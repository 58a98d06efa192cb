import { listCachedRoutes } from '@routecache/trpc';
import type { AnyTRPCRouter } from '@trpc/server';
import { describe, expect, it, vi } from 'vitest';
import { discover } from '../src/discover/discover.js';
import { appRouter } from './__fixtures__/app/src/router.js';
import { appRouter as lazyRouter } from './__fixtures__/lazy/src/router.js';
import { fixtureConfig, GOLDEN_FIXTURES, loadT3 } from './fixtures.js';

// Each fixture loads a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

const routers: Record<string, AnyTRPCRouter> = {
  app: appRouter,
  lazy: lazyRouter,
  t3: (await loadT3()).appRouter,
};

/** Load every lazy router (nested ones appear as their parents load). */
async function loadAll(router: AnyTRPCRouter): Promise<void> {
  for (
    let loader = Object.values(router._def.lazy)[0];
    loader;
    loader = Object.values(router._def.lazy)[0]
  ) {
    await loader.load();
  }
}

describe.each(GOLDEN_FIXTURES)('static discovery vs runtime introspection, fixture %s', (name) => {
  it('finds the same cached procedures, with the same static options', async () => {
    const router = routers[name];
    if (router === undefined) throw new Error(`add the router of fixture ${name} to this test`);
    await loadAll(router);
    const runtime = listCachedRoutes(router);
    const found = discover(fixtureConfig(name)).procedures.filter((p) => p.cached);
    expect(found.map((p) => p.path)).toEqual(runtime.map((r) => r.path));

    for (const route of runtime) {
      const options = found.find((p) => p.path === route.path)?.options;
      expect(options?.namespace, route.path).toBe(route.options.namespace);
      expect(options?.customKey !== undefined, route.path).toBe(route.options.key !== undefined);
      expect(options?.vary, route.path).toEqual(route.options.vary);
      expect(options?.scope, route.path).toBe(route.options.scope);
      const tags = route.options.tags;
      if (typeof tags === 'function') expect(options?.dynamicTags, route.path).toBe(true);
      else expect(options?.tags, route.path).toEqual([...(tags ?? [])].sort());
    }
  });

  it('finds the same uncached procedures', async () => {
    const router = routers[name];
    if (router === undefined) throw new Error(`add the router of fixture ${name} to this test`);
    await loadAll(router);
    const cached = new Set(listCachedRoutes(router).map((r) => r.path));
    const uncached = Object.keys(router._def.procedures)
      .filter((path) => !cached.has(path))
      .sort();
    const found = discover(fixtureConfig(name)).procedures.filter((p) => !p.cached);
    expect(found.map((p) => p.path)).toEqual(uncached);
    expect(uncached.length).toBeGreaterThan(0);
  });
});
