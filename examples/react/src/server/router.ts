/**
 * The example's router: two cached user reads, an unrelated cached posts read, and a rename
 * mutation. The client never invalidates anything itself.
 */
import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { db } from './db.js';
// The generated module (`pnpm codegen`) imports this router back; the cycle is safe because its
// helpers read the router only when a mutation runs, and its types are printed, not inferred.
import { invalidates, routes } from './routecache.generated.js';

/** The app's cache: in memory, root namespace `react`, 5 min. */
const cache = createCache({ namespace: 'react', ttl: 300 });
const cacheMiddleware = createCacheMiddleware(cache);
const t = initTRPC.create();

const UserId = z.object({ userId: z.number().int().positive() });

/** The router; codegen's entry (`routecache.config.json`). */
export const appRouter = t.router({
  users: {
    get: t.procedure
      .input(UserId)
      .use(cacheMiddleware({ scope: 'public', tags: ['users'] }))
      .query(({ input }) => {
        db.ran('users.get');
        const user = db.users.get(input.userId);
        if (user === undefined) throw new TRPCError({ code: 'NOT_FOUND' });
        return user;
      }),
    list: t.procedure.use(cacheMiddleware({ scope: 'public', tags: ['users'] })).query(() => {
      db.ran('users.list');
      return [...db.users.values()];
    }),
    // After the rename succeeds the server removes these entries, and the response names them
    // (Routecache-Invalidate): the page's invalidation link refreshes exactly those queries.
    rename: t.procedure
      .input(UserId.extend({ name: z.string().min(1) }))
      .use(
        invalidates(({ input }) => [routes.users.get({ userId: input.userId }), routes.users.list]),
      )
      .mutation(({ input }) => {
        db.users.set(input.userId, { id: input.userId, name: input.name });
        return { id: input.userId, name: input.name };
      }),
  },
  posts: {
    list: t.procedure.use(cacheMiddleware({ scope: 'public', tags: ['posts'] })).query(() => {
      db.ran('posts.list');
      return db.posts;
    }),
  },
});

/** The router type the client is typed with. */
export type AppRouter = typeof appRouter;
