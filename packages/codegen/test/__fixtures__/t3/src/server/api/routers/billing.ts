import { z } from 'zod';
import {
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
  requirePermission,
} from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const billingRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['billing'] }))
    .query(({ ctx, input }) => ctx.db.list('billing', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'billing', tags: ['billing'] }))
    .query(({ ctx, input }) => ctx.db.get('billing', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({
        scope: 'private',
        key: ({ ctx }) => `billing:mine:${ctx.session.user.id}`,
      }),
    )
    .query(({ ctx }) => ctx.db.list('billing', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['billing'] }))
    .query(({ ctx }) => ctx.db.count('billing')),
  recent: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).default(7) }))
    .use(cacheMiddleware({ scope: 'private', ttl: 30 }))
    .query(({ ctx, input }) => ctx.db.list('billing', { page: input.days })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('billing', input.name);
      return created;
    }),
  update: requirePermission('billing:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('billing', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('billing') })),
});
