import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const orderRouter = {
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['order'] }))
    .query(({ ctx, input }) => ctx.db.list('order', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'order', tags: ['order'] }))
    .query(({ ctx, input }) => ctx.db.get('order', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({ scope: 'private', key: ({ ctx }) => `order:mine:${ctx.session.user.id}` }),
    )
    .query(({ ctx }) => ctx.db.list('order', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['order'] }))
    .query(({ ctx }) => ctx.db.count('order')),
  forOrg: requirePermission('order:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => `order:${ctx.session.user.orgId}:${input.status}`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('order', { q: input.status })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('order', input.name);
      return created;
    }),
  update: requirePermission('order:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('order', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('order') })),
} satisfies TRPCRouterRecord;
