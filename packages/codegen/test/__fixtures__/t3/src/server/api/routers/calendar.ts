import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const calendarRouter = {
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['calendar'] }))
    .query(({ ctx, input }) => ctx.db.list('calendar', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'calendar', tags: ['calendar'], vary: ['accept-language'] }))
    .query(({ ctx, input }) => ctx.db.get('calendar', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({
        scope: 'private',
        key: ({ ctx }) => `calendar:mine:${ctx.session.user.id}`,
      }),
    )
    .query(({ ctx }) => ctx.db.list('calendar', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['calendar'] }))
    .query(({ ctx }) => ctx.db.count('calendar')),
  forOrg: requirePermission('calendar:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => `calendar:${ctx.session.user.orgId}:${input.status}`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('calendar', { q: input.status })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('calendar', input.name);
      return created;
    }),
  update: requirePermission('calendar:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('calendar', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('calendar') })),
} satisfies TRPCRouterRecord;
