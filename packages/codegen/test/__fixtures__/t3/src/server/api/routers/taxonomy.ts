import { z } from 'zod';
import { createTRPCRouter, protectedProcedure, publicProcedure } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

/** A router factory: one taxonomy router per kind (tags, categories, labels). */
export function makeTaxonomyRouter(kind: string) {
  return createTRPCRouter({
    list: publicProcedure
      .use(cacheMiddleware({ ttl: 300, tags: ['taxonomy'] }))
      .query(({ ctx }) => ctx.db.list(kind, {})),
    byId: publicProcedure
      .input(z.object({ id: z.string() }))
      .use(cacheMiddleware({ ttl: 300, tags: ['taxonomy'] }))
      .query(({ ctx, input }) => ctx.db.get(kind, input.id)),
    create: protectedProcedure
      .input(z.object({ name: z.string().min(1) }))
      .mutation(({ ctx, input }) => ctx.db.create(kind, input.name)),
  });
}
