/**
 * A small CRUD router. Reads are cached; every write calls the *generated* helpers
 * (`routecache.generated.ts`), which compute keys with the middleware's own key function — so
 * renaming `users.get` breaks the build at each stale `invalidate.users.get(…)`.
 */
import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { db } from './db.js';
// The generated module imports this router back; the cycle is safe because its helpers only
// touch the router when called.
import { invalidate, invalidateTag } from './routecache.generated.js';

/** The app's cache: in memory (the default store), root namespace `crud`, 5 min. */
const cache = createCache({ namespace: 'crud', ttl: 300 });
const cacheMiddleware = createCacheMiddleware(cache);
const t = initTRPC.create();

const UserId = z.object({ userId: z.number().int().positive() });

/** The CRUD router; codegen's entry (`routecache.config.json`). */
export const appRouter = t.router({
  users: {
    get: t.procedure
      .input(UserId)
      .use(cacheMiddleware({ scope: 'public', namespace: 'users', tags: ['users'] }))
      .query(({ input }) => {
        const user = db.read(db.users.get(input.userId));
        if (user === undefined) throw new TRPCError({ code: 'NOT_FOUND' });
        return user;
      }),
    list: t.procedure
      .use(cacheMiddleware({ scope: 'public', namespace: 'users', tags: ['users'] }))
      .query(() => db.read([...db.users.values()])),

    create: t.procedure.input(z.object({ name: z.string().min(1) })).mutation(async ({ input }) => {
      const user = { id: db.nextId++, name: input.name };
      db.users.set(user.id, user);
      // Annotated: a resolver's return type must not depend on the generated module (TS7022).
      const removed: number = await invalidate.users.list();
      return { user, removed };
    }),
    rename: t.procedure
      .input(UserId.extend({ name: z.string().min(1) }))
      .mutation(async ({ input }) => {
        db.users.set(input.userId, { id: input.userId, name: input.name });
        const removed: number =
          (await invalidate.users.get({ userId: input.userId })) + (await invalidate.users.list());
        return { removed };
      }),
    delete: t.procedure.input(UserId).mutation(async ({ input }) => {
      db.users.delete(input.userId);
      // Every entry tagged `users` (each users.get and users.list), in one call.
      const removed: number = await invalidateTag.users();
      return { removed };
    }),
  },
});

/** The router type the client is typed with. */
export type AppRouter = typeof appRouter;
