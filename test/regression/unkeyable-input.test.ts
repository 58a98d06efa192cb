/**
 * Regression (issue 8, item 8): an input the cache cannot key — nested deeper than the limit,
 * cyclic (superjson rebuilds cycles), or holding a class instance — answered 500 on a cached
 * route where the uncached route answered 200. Such a call is served uncached (`X-Cache: BYPASS`)
 * and warns once; over real HTTP with the superjson transformer, and through `createCaller`.
 */
import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { SuperJSON } from 'superjson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingXCache, useCachedHttpServer } from '../support/cached-http-server.js';

/** A class superjson knows (registered below) but the cache cannot key. */
class Point {
  constructor(
    public x = 0,
    public y = 0,
  ) {}
}

const transformer = new SuperJSON();
transformer.registerClass(Point, 'Point');

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function cyclic(): unknown {
  const node: { name: string; self?: unknown } = { name: 'loop' };
  node.self = node;
  return node;
}

const unkeyable: [string, () => unknown][] = [
  ['nested 200 levels deep', () => nested(200)],
  ['cyclic', cyclic],
  ['a class instance', () => ({ at: new Point(1, 2) })],
];

/** Any input at all: the route's parser keeps what superjson rebuilt. */
const anything = (input: unknown) => input;

function buildApp() {
  const t = initTRPC.create({ transformer });
  const cacheMiddleware = createCacheMiddleware(createCache());
  const runs = { cached: 0, uncached: 0 };
  const router = t.router({
    cached: t.procedure
      .input(anything)
      .use(cacheMiddleware({ scope: 'public' }))
      .query(() => ++runs.cached),
    uncached: t.procedure.input(anything).query(() => ++runs.uncached),
  });
  return { t, router, runs };
}

describe('unkeyable input is served uncached, never a failed call', () => {
  const app = buildApp();
  const server = useCachedHttpServer({ router: app.router });
  const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  afterEach(() => {
    warnings.mockClear();
  });

  /** A tRPC client whose fetch records the X-Cache header of every response. */
  function client(link: typeof httpLink | typeof httpBatchLink) {
    const xCache: (string | null)[] = [];
    const trpc = createTRPCClient<typeof app.router>({
      links: [link({ url: server.url, transformer, fetch: recordingXCache(xCache) })],
    });
    return { trpc, xCache };
  }

  const unkeyableWarnings = () =>
    warnings.mock.calls.filter(
      ([, options]) => (options as { code?: string }).code === 'ROUTECACHE_UNKEYABLE_INPUT',
    );

  it.each(unkeyable)(
    'over HTTP with superjson: %s answers 200 with BYPASS',
    async (_name, make) => {
      const { trpc, xCache } = client(httpLink);
      const uncached = app.runs.uncached;
      await expect(trpc.uncached.query(make())).resolves.toBe(uncached + 1);
      const before = app.runs.cached;
      // Twice: nothing was stored, so the resolver runs again.
      await expect(trpc.cached.query(make())).resolves.toBe(before + 1);
      await expect(trpc.cached.query(make())).resolves.toBe(before + 2);
      expect(xCache).toEqual([null, 'BYPASS', 'BYPASS']);
      // Once per route and reason (each case here has its own reason).
      expect(unkeyableWarnings()).toHaveLength(1);
      expect(String(unkeyableWarnings()[0]?.[0])).toContain('"cached"');
    },
  );

  it('in a batch, only the unkeyable call is BYPASS', async () => {
    const { trpc, xCache } = client(httpBatchLink);
    const [a, b] = await Promise.all([
      trpc.cached.query({ plain: 'batched' }),
      trpc.cached.query(cyclic()),
    ]);
    expect(typeof a).toBe('number');
    expect(typeof b).toBe('number');
    expect(xCache).toEqual(['MISS, BYPASS']);
  });

  it.each(unkeyable)('through createCaller: %s is served, uncached', async (_name, make) => {
    const caller = app.t.createCallerFactory(app.router)({});
    const before = app.runs.cached;
    await expect(caller.cached(make())).resolves.toBe(before + 1);
    await expect(caller.cached(make())).resolves.toBe(before + 2);
  });

  it('through createCaller: a keyable input is still cached', async () => {
    const caller = app.t.createCallerFactory(app.router)({});
    const first = await caller.cached({ plain: 'caller' });
    await expect(caller.cached({ plain: 'caller' })).resolves.toBe(first);
  });
});
