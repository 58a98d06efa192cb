import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const shipmentRouter = {
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['shipment'] }))
    .query(({ ctx, input }) => ctx.db.list('shipment', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'shipment', tags: ['shipment'], vary: ['accept-language'] }))
    .query(({ ctx, input }) => ctx.db.get('shipment', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({
        scope: 'private',
        key: ({ ctx }) => `shipment:mine:${ctx.session.user.id}`,
      }),
    )
    .query(({ ctx }) => ctx.db.list('shipment', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['shipment'] }))
    .query(({ ctx }) => ctx.db.count('shipment')),
  forOrg: requirePermission('shipment:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => `shipment:${ctx.session.user.orgId}:${input.status}`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('shipment', { q: input.status })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('shipment', input.name);
      return created;
    }),
  update: requirePermission('shipment:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('shipment', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('shipment') })),
} satisfies TRPCRouterRecord;
