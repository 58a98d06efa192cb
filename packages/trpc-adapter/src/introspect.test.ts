import { createCache, memoryStore } from '@routecache/core';
import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getCachedRoute, listCachedRoutes } from './introspect.js';
import { createCacheMiddleware } from './middleware.js';

function app() {
  const cache = createCache({ store: memoryStore(), namespace: 'app' });
  const cacheMiddleware = createCacheMiddleware(cache);
  const t = initTRPC.context<{ tenant: string }>().create();
  const keyCalls: unknown[] = [];
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input(z.object({ id: z.string() }))
        .use(cacheMiddleware({ scope: 'public', tags: ['users'] }))
        .query(({ input }) => input.id),
      byTenant: t.procedure
        .input(z.object({ id: z.string() }))
        .use(
          cacheMiddleware({
            scope: 'public',
            key: (args) => {
              keyCalls.push(args);
              return `${args.ctx.tenant}/${args.input.id}`;
            },
          }),
        )
        .query(({ input }) => input.id),
      rename: t.procedure.input(z.object({ id: z.string() })).mutation(() => 'ok'),
    }),
    health: t.procedure.query(() => 'ok'),
  });
  return { cache, router, keyCalls, caller: t.createCallerFactory(router)({ tenant: 'acme' }) };
}

describe('router introspection', () => {
  it('lists the cached procedures of nested routers, sorted, with static tags', () => {
    const { router, cache } = app();
    const routes = listCachedRoutes(router);
    expect(routes.map((route) => route.path)).toEqual(['users.byTenant', 'users.get']);
    expect(routes[1]?.options.tags).toEqual(['users']);
    expect(routes[1]?.cache).toBe(cache);
  });

  it('finds one route by path, or nothing', () => {
    const { router } = app();
    expect(getCachedRoute(router, 'users.get')?.path).toBe('users.get');
    expect(getCachedRoute(router, 'health')).toBeUndefined();
    expect(getCachedRoute(router, 'users.rename')).toBeUndefined();
    expect(getCachedRoute(router, 'nope')).toBeUndefined();
    expect(getCachedRoute(router, 'toString')).toBeUndefined();
  });

  it('computes the exact base key the middleware stores under, custom key function included', async () => {
    const { router, cache, caller, keyCalls } = app();
    const stored: string[] = [];
    cache.on('stored', ({ baseKey }) => stored.push(baseKey));
    await caller.users.get({ id: '1' });
    await caller.users.byTenant({ id: '1' });
    const byTenant = getCachedRoute(router, 'users.byTenant');
    expect(stored).toEqual([
      getCachedRoute(router, 'users.get')?.baseKey({ id: '1' }),
      byTenant?.baseKey({ id: '1' }, { tenant: 'acme' }),
    ]);
    expect(keyCalls.at(-1)).toEqual({
      input: { id: '1' },
      ctx: { tenant: 'acme' },
      path: 'users.byTenant',
    });
    expect(await byTenant?.invalidate({ id: '1' }, { tenant: 'acme' })).toBe(1);
    expect(await byTenant?.invalidate({ id: '1' }, { tenant: 'acme' })).toBe(0);
  });
});
