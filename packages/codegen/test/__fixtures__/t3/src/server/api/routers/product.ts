import { z } from 'zod';
import {
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
  requirePermission,
} from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const productRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['product'] }))
    .query(({ ctx, input }) => ctx.db.list('product', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'product', tags: ['product'], vary: ['accept-language'] }))
    .query(({ ctx, input }) => ctx.db.get('product', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({
        scope: 'private',
        key: ({ ctx }) => `product:mine:${ctx.session.user.id}`,
      }),
    )
    .query(({ ctx }) => ctx.db.list('product', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['product'] }))
    .query(({ ctx }) => ctx.db.count('product')),
  recent: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).default(7) }))
    .use(cacheMiddleware({ scope: 'private', ttl: 30 }))
    .query(({ ctx, input }) => ctx.db.list('product', { page: input.days })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('product', input.name);
      return created;
    }),
  update: requirePermission('product:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('product', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('product') })),
});
