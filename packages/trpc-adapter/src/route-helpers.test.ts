import {
  type Cache,
  ConfigurationError,
  createCache,
  InvalidOptionError,
  memoryStore,
} from '@routecache/core';
import { type AnyTRPCRouter, initTRPC, lazy, TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCacheMiddleware } from './middleware.js';
import { createRouteHelpers } from './route-helpers.js';

function app() {
  const users = createCache({ store: memoryStore(), namespace: 'users' });
  const reports = createCache({ store: memoryStore(), namespace: 'reports' });
  const usersCache = createCacheMiddleware(users);
  const reportsCache = createCacheMiddleware(reports);
  const t = initTRPC.context<{ tenant: string }>().create();
  let lazyLoads = 0;
  const reportsRouter = t.router({
    daily: t.procedure
      .input(z.object({ day: z.string(), region: z.enum(['eu', 'us']).default('eu') }))
      .use(reportsCache({ tags: ['shared'] }))
      .query(({ input }) => input),
  });
  const router = t.router({
    users: t.router({
      list: t.procedure
        .input(z.object({ page: z.number().default(1) }))
        // A second validator merges into the first (tRPC's own merge), a transform lower-cases.
        .input(z.object({ q: z.string().transform((q) => q.toLowerCase()) }))
        .use(usersCache({ tags: ['shared', 'users'] }))
        .query(({ input }) => input),
      byTenant: t.procedure
        .input(z.object({ id: z.string() }))
        .use(usersCache({ key: ({ ctx, input }) => `${ctx.tenant}/${input.id}` }))
        .query(({ input }) => input.id),
      rename: t.procedure.input(z.object({ id: z.string() })).mutation(() => 'ok'),
    }),
    reports: lazy(async () => {
      lazyLoads += 1;
      return reportsRouter;
    }),
  });
  const caller = t.createCallerFactory(router)({ tenant: 'acme' });
  return { router, caller, users, reports, lazyLoads: () => lazyLoads };
}

/** The base keys `cache` stores while `run` calls the router. */
async function storedKeys(cache: Cache, run: () => Promise<unknown>): Promise<string[]> {
  const stored: string[] = [];
  const off = cache.on('stored', ({ baseKey }) => stored.push(baseKey));
  try {
    await run();
  } finally {
    off();
  }
  return stored;
}

describe('createRouteHelpers', () => {
  it('keys the input as the middleware sees it: stacked validators, defaults, transforms, stripped fields', async () => {
    const { router, caller, users } = app();
    const helpers = createRouteHelpers(router);
    const raw = { q: 'Ada', junk: 'dropped', after: 'x' };
    const stored = await storedKeys(users, () => caller.users.list(raw));
    expect(stored).toHaveLength(1);
    expect(await helpers.keyOf('users.list', raw)).toBe(stored[0]);
    // Same parsed input ({ page: 1, q: 'ada' }), so the same key.
    expect(await helpers.keyOf('users.list', { q: 'ADA', page: 1 })).toBe(stored[0]);
    expect(await helpers.keyOf('users.list', { q: 'ada', page: 2 })).not.toBe(stored[0]);
    expect(await helpers.invalidate('users.list', { q: 'ADA' })).toBe(1);
    expect(await helpers.invalidate('users.list', { q: 'ADA' })).toBe(0);
  });

  it('passes ctx to a custom key function', async () => {
    const { router, caller, users } = app();
    const helpers = createRouteHelpers(router);
    const stored = await storedKeys(users, () => caller.users.byTenant({ id: '7' }));
    expect(await helpers.keyOf('users.byTenant', { id: '7' }, { tenant: 'acme' })).toBe(stored[0]);
    expect(await helpers.invalidate('users.byTenant', { id: '7' }, { tenant: 'acme' })).toBe(1);
  });

  it('loads a lazy router on demand, once', async () => {
    const { router, caller, reports, lazyLoads } = app();
    const helpers = createRouteHelpers(router);
    expect(lazyLoads()).toBe(0);
    const key = await helpers.keyOf('reports.daily', { day: 'mon' });
    expect(lazyLoads()).toBe(1);
    const stored = await storedKeys(reports, () => caller.reports.daily({ day: 'mon' }));
    expect(stored).toEqual([key]);
    expect(await helpers.invalidate('reports.daily', { day: 'mon', region: 'eu' })).toBe(1);
    expect(lazyLoads()).toBe(1);
  });

  it('rejects an input the procedure rejects, as tRPC does', async () => {
    const helpers = createRouteHelpers(app().router);
    await expect(helpers.keyOf('users.list', { q: 42 })).rejects.toBeInstanceOf(TRPCError);
  });

  it.each(['users.nope', 'users.rename', 'reports.weekly', 'toString'])(
    'throws a ConfigurationError for %s, which is not a cached procedure',
    async (path) => {
      const helpers = createRouteHelpers(app().router);
      const error = await helpers.invalidate(path, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({
        code: 'ROUTECACHE_CONFIGURATION',
        context: { path },
        message: expect.stringContaining('run `routecache codegen` again'),
      });
    },
  );

  it('invalidates a tag once per distinct cache of the procedures declaring it', async () => {
    const { router, caller, users, reports } = app();
    const helpers = createRouteHelpers(router);
    await caller.users.list({ q: 'a' });
    await caller.users.list({ q: 'b' });
    await caller.reports.daily({ day: 'mon' });
    const usersCleared: string[][] = [];
    const reportsCleared: string[][] = [];
    users.on('invalidated', (event) => usersCleared.push([...event.tags]));
    reports.on('invalidated', (event) => reportsCleared.push([...event.tags]));
    // users.list appears twice: its cache is still asked once.
    expect(
      await helpers.invalidateTag('shared', ['users.list', 'users.list', 'reports.daily']),
    ).toBe(3);
    expect(await helpers.invalidateTag('shared', ['users.list', 'reports.daily'])).toBe(0);
    expect(usersCleared).toEqual([['shared'], ['shared']]);
    expect(reportsCleared).toEqual([['shared'], ['shared']]);
  });

  it('reads a router given as a function on first call only, once (import cycles)', async () => {
    const { router, caller, users } = app();
    let reads = 0;
    const helpers = createRouteHelpers(() => {
      reads += 1;
      return router;
    });
    expect(reads).toBe(0);
    const stored = await storedKeys(users, () => caller.users.list({ q: 'x' }));
    expect(await helpers.keyOf('users.list', { q: 'x' })).toBe(stored[0]);
    expect(await helpers.invalidate('users.list', { q: 'x' })).toBe(1);
    expect(reads).toBe(1);
  });

  it('rejects something that is not a router: at creation, or on first call for a function', async () => {
    expect(() => createRouteHelpers({} as AnyTRPCRouter)).toThrow(InvalidOptionError);
    const helpers = createRouteHelpers(() => undefined as unknown as AnyTRPCRouter);
    await expect(helpers.keyOf('users.list', {})).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
