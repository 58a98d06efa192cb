import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { projectRouter } from '~/server/api/routers/project';
import { protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const reportRouter = {
  projects: projectRouter.list,
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['report'] }))
    .query(({ ctx, input }) => ctx.db.list('report', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'report', tags: ['report'] }))
    .query(({ ctx, input }) => ctx.db.get('report', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({ scope: 'private', key: ({ ctx }) => `report:mine:${ctx.session.user.id}` }),
    )
    .query(({ ctx }) => ctx.db.list('report', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['report'] }))
    .query(({ ctx }) => ctx.db.count('report')),
  forOrg: requirePermission('report:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => `report:${ctx.session.user.orgId}:${input.status}`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('report', { q: input.status })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('report', input.name);
      return created;
    }),
  update: requirePermission('report:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('report', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('report') })),
} satisfies TRPCRouterRecord;
