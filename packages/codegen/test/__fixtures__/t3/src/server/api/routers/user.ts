import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const userRouter = {
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['user'] }))
    .query(({ ctx, input }) => ctx.db.list('user', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'user', tags: ['user'] }))
    .query(({ ctx, input }) => ctx.db.get('user', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({ scope: 'private', key: ({ ctx }) => `user:mine:${ctx.session.user.id}` }),
    )
    .query(({ ctx }) => ctx.db.list('user', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['user'] }))
    .query(({ ctx }) => ctx.db.count('user')),
  forOrg: requirePermission('user:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => `user:${ctx.session.user.orgId}:${input.status}`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('user', { q: input.status })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('user', input.name);
      return created;
    }),
  update: requirePermission('user:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('user', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('user') })),
} satisfies TRPCRouterRecord;
