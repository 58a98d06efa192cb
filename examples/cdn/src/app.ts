/**
 * The app behind Varnish: public user profiles a CDN may keep for five minutes (`sMaxAge`),
 * a rename that declares what it invalidates, and a cache whose `purger` purges Varnish by the
 * same surrogate keys the HTTP glue puts on the responses (`cdn: 'varnish'` → `xkey`).
 */
import { createCache, memoryStore } from '@routecache/core';
import type { Purger } from '@routecache/core/cdn';
import { createCacheMiddleware, createRouteHelpers } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';

export function createApp(purge: Purger) {
  const names = new Map([[1, 'Ada']]);
  let resolverRuns = 0;
  const cache = createCache({ store: memoryStore(), ttl: 600, purger: { purge, timeout: 1000 } });
  const cacheMiddleware = createCacheMiddleware(cache);
  const t = initTRPC.create();
  const helpers = createRouteHelpers(() => router);
  const users = helpers.router('users', {
    get: helpers.procedure<{ userId: number }>('users.get'),
  });
  const UserId = z.object({ userId: z.number() });
  const router = t.router({
    users: t.router({
      get: t.procedure
        .input(UserId)
        // Shared by everyone, kept by the CDN for 300 s or until an invalidation purges it.
        .use(cacheMiddleware({ scope: 'public', sMaxAge: 300, tags: ['users'] }))
        .query(({ input }) => {
          resolverRuns++;
          return { name: names.get(input.userId) ?? null };
        }),
      rename: t.procedure
        .input(UserId.extend({ name: z.string() }))
        .use(helpers.invalidates(({ input }) => [users.get({ userId: input.userId })]))
        .mutation(({ input }) => {
          names.set(input.userId, input.name);
          return input.userId;
        }),
    }),
  });
  const server = createCachedHTTPServer({ router, basePath: '/trpc/' }, { cdn: 'varnish' });
  return { router, cache, server, resolverRuns: () => resolverRuns };
}

export type AppRouter = ReturnType<typeof createApp>['router'];
