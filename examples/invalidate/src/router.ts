/**
 * A small CRUD router. Reads are cached; every write *declares* what it invalidates with the
 * generated module (`routecache.generated.ts`): `invalidates(…)` runs after the write
 * succeeded, removes the server entries and tells the client (`Routecache-Invalidate`). The
 * targets are typed from the router, so renaming `users.get` breaks the build at each stale
 * `routes.users.get(…)`, and `routecache codegen --check` names it. No return-type annotations:
 * the generated module's types do not depend on the router's.
 */
import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { db } from './db.js';
// The generated module imports this router back; the cycle is safe because its helpers only
// touch the router when called, and its types are printed rather than taken from the router's.
import { invalidates, invalidateTag, routes, tags } from './routecache.generated.js';

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

    create: t.procedure
      .input(z.object({ name: z.string().min(1) }))
      .use(invalidates(() => [routes.users.list]))
      .mutation(({ input }) => {
        const user = { id: db.nextId++, name: input.name };
        db.users.set(user.id, user);
        return { user };
      }),
    rename: t.procedure
      .input(UserId.extend({ name: z.string().min(1) }))
      .use(
        invalidates(({ input }) => [routes.users.get({ userId: input.userId }), routes.users.list]),
      )
      .mutation(({ input }) => {
        if (!db.users.has(input.userId)) throw new TRPCError({ code: 'NOT_FOUND' });
        db.users.set(input.userId, { id: input.userId, name: input.name });
        return { renamed: input.userId };
      }),
    delete: t.procedure
      .input(UserId)
      // Every entry tagged `users` (each users.get and users.list), in one call.
      .use(invalidates(() => [tags.users]))
      .mutation(({ input }) => ({ deleted: db.users.delete(input.userId) })),
    purge: t.procedure.mutation(async () => {
      // The imperative helpers still work, unannotated: `removed` is a number.
      const removed = await invalidateTag.users();
      return { removed };
    }),
  },
});

/** The router type the client is typed with. */
export type AppRouter = typeof appRouter;
