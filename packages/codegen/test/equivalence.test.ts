import type { Cache } from '@routecache/core';
import { withCacheContext } from '@routecache/trpc';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as appHelpers from './__fixtures__/app/expected/routecache.generated.js';
import { cache as appCache } from './__fixtures__/app/src/cache.js';
import type { Context } from './__fixtures__/app/src/context.js';
import { appRouter } from './__fixtures__/app/src/router.js';
import * as lazyHelpers from './__fixtures__/lazy/expected/routecache.generated.js';
import { appRouter as lazyRouter } from './__fixtures__/lazy/src/router.js';
import { cache as lazyCache } from './__fixtures__/lazy/src/trpc.js';
import { loadT3 } from './fixtures.js';
import { type T3CaseKind, t3Cases } from './t3-fixture.js';

// Each property runs the real router through createCaller with a real cache.
vi.setConfig({ testTimeout: 60_000 });

type Helper = (...args: unknown[]) => Promise<unknown>;
type Call = (input: unknown) => Promise<unknown>;

/** `obj.a.b` for path `a.b` (generated helper trees and tRPC callers share the path shape). */
function at<T>(root: unknown, path: string): T {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root) as T;
}

/** A raw call: the input a client sends, the request headers and the user. */
interface RawCall {
  input: unknown;
  language?: string | undefined;
  userId?: string | undefined;
}

/** How a fixture's helpers are called and its ctx built. */
interface Fixture {
  cache: Cache;
  router: { createCaller: (ctx: never) => unknown };
  helpers: { keys: unknown; invalidate: unknown };
  /** Procedures without input whose key reads ctx: their helpers take only ctx. */
  ctxOnly: ReadonlySet<string>;
  makeContext: (call: RawCall, headers: Headers) => object | Promise<object>;
}

/**
 * Call \`path\` through the running middleware and return the base key it stored under; then
 * check the generated \`keys\` helper agrees and the generated \`invalidate\` helper removes it.
 */
async function checkCall(fixture: Fixture, path: string, call: RawCall): Promise<void> {
  const headers = new Headers({
    ...(call.language === undefined ? {} : { 'accept-language': call.language }),
    ...(call.userId === undefined ? {} : { 'x-user': call.userId }),
  });
  const ctx = await withCacheContext(() => fixture.makeContext(call, headers))({
    req: new Request('http://localhost/', { headers }),
  });
  const stored: string[] = [];
  const off = fixture.cache.on('stored', ({ baseKey }) => stored.push(baseKey));
  try {
    await at<Call>(fixture.router.createCaller(ctx as never), path)(call.input);
  } finally {
    off();
  }
  expect(stored).toHaveLength(1);
  const args = fixture.ctxOnly.has(path) ? [ctx] : [call.input, ctx];
  expect(await at<Helper>(fixture.helpers.keys, path)(...args)).toBe(stored[0]);
  // One entry (one variant) was stored for this base key; the generated invalidator removes it.
  expect(await at<Helper>(fixture.helpers.invalidate, path)(...args)).toBe(1);
}

const text = fc.string({ maxLength: 12 });
const language = fc.option(fc.constantFrom('en', 'fr', 'de-CH'), { nil: undefined });
/** Raw inputs per cached procedure, including fields the schema strips and defaults it fills. */
const appCalls: Record<string, fc.Arbitrary<RawCall>> = {
  'catalog.featured': fc.constant({ input: undefined }),
  'catalog.products.list': fc
    .record(
      { category: text, page: fc.integer({ min: 1, max: 50 }), junk: text },
      { requiredKeys: ['category'] },
    )
    .map((input) => ({ input })),
  'catalog.products.by-sku': text.map((input) => ({ input })),
  'users.get': fc.record({ input: fc.record({ id: fc.integer() }), language }),
  'users.byEmail': fc.record({ input: fc.record({ email: text }) }),
  'users.me': fc.record({
    input: fc.constant(undefined),
    userId: fc.string({ minLength: 1, maxLength: 8 }),
  }),
};

const lazyCalls: Record<string, fc.Arbitrary<RawCall>> = {
  ping: fc.constant({ input: undefined }),
  uptime: fc.constant({ input: undefined }),
  version: fc.record({ input: fc.record({ major: fc.integer() }) }),
  'reports.daily': fc.record({
    input: fc.record({ day: text, region: fc.constantFrom('eu', 'us') }, { requiredKeys: ['day'] }),
  }),
  'audit.entries': fc.record({ input: fc.record({ since: fc.integer() }) }),
};

describe('generated lazy-router helpers', () => {
  it('load the lazy router before keying, when nothing has loaded it yet', async () => {
    expect(Object.keys(lazyRouter._def.lazy).sort()).toEqual(['audit', 'reports']);
    const key = await lazyHelpers.keys.reports.daily({ day: 'mon' });
    expect(Object.keys(lazyRouter._def.lazy)).toEqual(['audit']);
    expect(key).toBe(
      lazyCache.keyFor({ route: 'reports.daily', input: { day: 'mon' }, namespace: 'hourly' }),
    );
  });
});

// The t3 context reads the user from an `x-user` header, which HTTP trims: an id of blanks would
// arrive as '' (no principal), and a private route then bypasses the cache.
const user = fc.string({ minLength: 1, maxLength: 8 }).filter((id) => id.trim() !== '');
/** Raw inputs of the t3 fixture's cached queries, by kind (see t3Cases). */
const t3Kinds: Record<T3CaseKind, fc.Arbitrary<RawCall>> = {
  list: fc
    .record({ page: fc.integer({ min: 1, max: 50 }), q: text, junk: text }, { requiredKeys: [] })
    .map((input) => ({ input })),
  byId: fc.record({ input: fc.record({ id: text }), language }),
  mine: fc.record({ input: fc.constant(undefined), userId: user }),
  count: fc.constant({ input: undefined }),
  forOrg: fc.record({
    input: fc.record({ status: fc.constantFrom('open', 'closed') }, { requiredKeys: [] }),
    userId: user,
  }),
  recent: fc.record({
    input: fc.record({ days: fc.integer({ min: 1, max: 30 }) }, { requiredKeys: [] }),
    userId: user,
  }),
};
const t3 = t3Cases();
const t3Modules = await loadT3();

describe.each([
  {
    name: 'app',
    calls: appCalls,
    numRuns: 40,
    fixture: {
      cache: appCache,
      router: appRouter,
      helpers: appHelpers,
      ctxOnly: new Set(['users.me']),
      makeContext: ({ userId }: RawCall): Context => ({ userId, locale: 'en' }),
    },
  },
  {
    name: 'lazy',
    calls: lazyCalls,
    numRuns: 40,
    fixture: {
      cache: lazyCache,
      router: lazyRouter,
      helpers: lazyHelpers,
      ctxOnly: new Set<string>(),
      makeContext: () => ({}),
    },
  },
  {
    name: 't3',
    calls: Object.fromEntries(Object.entries(t3).map(([path, kind]) => [path, t3Kinds[kind]])),
    // 123 cached queries: fewer runs each.
    numRuns: 6,
    fixture: {
      cache: t3Modules.cache,
      router: t3Modules.appRouter,
      helpers: t3Modules.helpers,
      ctxOnly: new Set(Object.keys(t3).filter((path) => t3[path] === 'mine')),
      makeContext: (_: RawCall, headers: Headers) => t3Modules.createTRPCContext({ headers }),
    },
  },
])(
  'keys.<path>(input) equals the key the middleware stores under, fixture $name',
  ({
    calls,
    numRuns,
    fixture,
  }: {
    calls: Record<string, fc.Arbitrary<RawCall>>;
    numRuns: number;
    fixture: Fixture;
  }) => {
    it.each(Object.keys(calls).sort())('%s', async (path) => {
      const arbitrary = calls[path];
      if (arbitrary === undefined) throw new Error(`no inputs for ${path}`);
      await fc.assert(
        fc.asyncProperty(arbitrary, (call) => checkCall(fixture, path, call)),
        { numRuns },
      );
    });

    it('covers every cached query of the generated module', () => {
      const leaves = (tree: unknown, prefix: string[] = []): string[] =>
        Object.entries(tree as Record<string, unknown>).flatMap(([key, value]) =>
          typeof value === 'function'
            ? [[...prefix, key].join('.')]
            : leaves(value, [...prefix, key]),
        );
      expect(leaves(fixture.helpers.keys).sort()).toEqual(Object.keys(calls).sort());
    });
  },
);

describe('generated tag helpers', () => {
  it('invalidate the literal tag in the cache of the procedures declaring it', async () => {
    const ctx = await withCacheContext(() => ({ userId: undefined, locale: 'en' }))({
      req: new Request('http://localhost/'),
    });
    const caller = appRouter.createCaller(ctx);
    await caller.catalog.featured();
    await caller.catalog.products.list({ category: 'books' });
    await caller.users.get({ id: 1 });
    expect(await appHelpers.invalidateTag.catalog()).toBe(2);
    expect(await appHelpers.invalidateTag.catalog()).toBe(0);
    expect(await appHelpers.invalidate.users.get({ id: 1 })).toBe(1);
  });

  it('work inside the router itself (a mutation invalidating a query, through the import cycle)', async () => {
    const ctx = await withCacheContext(() => ({ userId: undefined, locale: 'en' }))({
      req: new Request('http://localhost/', { headers: { 'accept-language': 'fr' } }),
    });
    const caller = appRouter.createCaller(ctx);
    await caller.users.get({ id: 7 });
    expect(await caller.users.rename({ id: 7, name: 'Grace' })).toEqual({
      id: 7,
      name: 'Grace',
      removed: 1,
    });
    expect(await caller.users.rename({ id: 7, name: 'Grace' })).toEqual({
      id: 7,
      name: 'Grace',
      removed: 0,
    });
  });

  it('load when the router module is imported first (the generated module then runs before the router exists)', async () => {
    vi.resetModules();
    const fresh = await import('./__fixtures__/app/src/router.js');
    const { cache } = await import('./__fixtures__/app/src/cache.js');
    // The adapter is a fresh instance too: its request state must be the one the router's uses.
    const adapter = await import('@routecache/trpc');
    const ctx = await adapter.withCacheContext(() => ({ userId: undefined, locale: 'en' }))({
      req: new Request('http://localhost/'),
    });
    await fresh.appRouter.createCaller(ctx).users.get({ id: 8 });
    expect(await fresh.appRouter.createCaller(ctx).users.rename({ id: 8, name: 'Ada' })).toEqual({
      id: 8,
      name: 'Ada',
      removed: 1,
    });
    expect(cache).not.toBe(appCache);
  });
});
