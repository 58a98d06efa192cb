/**
 * The smallest routecache app: one expensive query, cached for 60 s on the in-memory store,
 * and a mutation that invalidates it.
 */
import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';

export const cache = createCache({ namespace: 'simple', ttl: 60 });
const cacheMiddleware = createCacheMiddleware(cache);
const t = initTRPC.create();

/** A stand-in for a database: every read costs 150 ms and is counted. */
export const db = {
  reads: 0,
  users: new Map([[1, { id: 1, name: 'Ada Lovelace' }]]),
  async getUser(id: number) {
    this.reads++;
    await new Promise((resolve) => setTimeout(resolve, 150));
    return this.users.get(id) ?? null;
  },
};

// Shared by every caller: sharing across users is always declared (`scope: 'public'`).
const userCache = cacheMiddleware({ scope: 'public', ttl: 60 });

export const appRouter = t.router({
  user: t.procedure
    .input(z.object({ id: z.number().int() }))
    .use(userCache)
    .query(({ input }) => db.getUser(input.id)),
  renameUser: t.procedure
    .input(z.object({ id: z.number().int(), name: z.string().min(1) }))
    .mutation(async ({ input }) => {
      db.users.set(input.id, { id: input.id, name: input.name });
      // Entries removed for this input (every variant); the next read is a MISS.
      return { removed: await userCache.invalidate('user', { id: input.id }) };
    }),
});

export type AppRouter = typeof appRouter;
