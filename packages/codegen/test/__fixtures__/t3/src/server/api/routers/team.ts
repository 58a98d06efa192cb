import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const teamRouter = {
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['team'] }))
    .query(({ ctx, input }) => ctx.db.list('team', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'team', tags: ['team'] }))
    .query(({ ctx, input }) => ctx.db.get('team', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({ scope: 'private', key: ({ ctx }) => `team:mine:${ctx.session.user.id}` }),
    )
    .query(({ ctx }) => ctx.db.list('team', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['team'] }))
    .query(({ ctx }) => ctx.db.count('team')),
  forOrg: requirePermission('team:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => `team:${ctx.session.user.orgId}:${input.status}`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('team', { q: input.status })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('team', input.name);
      return created;
    }),
  update: requirePermission('team:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('team', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('team') })),
} satisfies TRPCRouterRecord;
