/**
 * The app router, built per instance: each app process has its own cache (its own L1 and Redis
 * connections). Two of them run in one process here, so the router is made by a function; a
 * real deployment exports one router per process.
 */
import type { Cache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { db } from './db.js';

const t = initTRPC.create();
const ProductId = z.object({ id: z.number().int().positive() });

/**
 * The router of one instance named `instance` (counted in `db.reads`), cached in `cache`.
 *
 * @example
 * ```ts
 * const { router, productCache } = createAppRouter(cache, 'A');
 * await productCache.keyFor('products.get', { id: 1 }); // the entry's base key
 * ```
 */
export function createAppRouter(cache: Cache, instance: string) {
  const productCache = createCacheMiddleware(cache)({ scope: 'public', ttl: 300 });
  const router = t.router({
    products: {
      get: t.procedure
        .input(ProductId)
        .use(productCache)
        .query(async ({ input }) => {
          const product = await db.getProduct(input.id, instance);
          if (product === undefined) throw new TRPCError({ code: 'NOT_FOUND' });
          return product;
        }),
      rename: t.procedure
        .input(ProductId.extend({ name: z.string().min(1) }))
        .mutation(async ({ input }) => {
          db.products.set(input.id, { id: input.id, name: input.name });
          // Removes the entry from Redis and this L1, and tells every other instance (bus).
          return { removed: await productCache.invalidate('products.get', { id: input.id }) };
        }),
    },
  });
  return { router, productCache };
}

/** The router type the client is typed with (the same for every instance). */
export type AppRouter = ReturnType<typeof createAppRouter>['router'];
