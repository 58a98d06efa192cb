/**
 * The example's tRPC router: one cached query, shared by every caller (`scope: 'public'`).
 * Served over HTTP by `app/api/trpc/[trpc]/route.ts` and read without HTTP by the server
 * component through `caller.ts`; both reach the same entries (see `cache.ts`).
 */
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { cache, db } from './cache';

export const t = initTRPC.create();

// No `principal`: this app has no users, so nothing is private. The server component's caller
// passes no `signal`, which the cache middleware reads as a server-side call (cached, no HTTP
// headers to see); calls through the route handler carry `withCacheContext`'s state.
const cacheMiddleware = createCacheMiddleware(cache);

export const appRouter = t.router({
  users: t.router({
    get: t.procedure
      .input(z.object({ id: z.number().int() }))
      .use(cacheMiddleware({ scope: 'public', ttl: 60 }))
      .query(({ input }) => db.getUser(input.id)),
    // For CDNs too: browsers keep it 10 s, shared caches 60 s, then serve it stale for 30 s
    // while they revalidate. Next.js passes this Cache-Control through untouched.
    count: t.procedure
      .use(
        cacheMiddleware({
          scope: 'public',
          ttl: 60,
          maxAge: 10,
          sMaxAge: 60,
          staleWhileRevalidate: 30,
        }),
      )
      .query(() => db.users.size),
  }),
});

export type AppRouter = typeof appRouter;
