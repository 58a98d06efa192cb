import { z } from 'zod';
import {
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
  requirePermission,
} from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const inventoryRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['inventory'] }))
    .query(({ ctx, input }) => ctx.db.list('inventory', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'inventory', tags: ['inventory'] }))
    .query(({ ctx, input }) => ctx.db.get('inventory', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({
        scope: 'private',
        key: ({ ctx }) => `inventory:mine:${ctx.session.user.id}`,
      }),
    )
    .query(({ ctx }) => ctx.db.list('inventory', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['inventory'] }))
    .query(({ ctx }) => ctx.db.count('inventory')),
  recent: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).default(7) }))
    .use(cacheMiddleware({ scope: 'private', ttl: 30 }))
    .query(({ ctx, input }) => ctx.db.list('inventory', { page: input.days })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('inventory', input.name);
      return created;
    }),
  update: requirePermission('inventory:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('inventory', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('inventory') })),
});
