import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';
import { invalidateTag } from '../../../../expected/routecache.generated';

export const postRouter = {
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['post'] }))
    .query(({ ctx, input }) => ctx.db.list('post', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'post', tags: ['post'], vary: ['accept-language'] }))
    .query(({ ctx, input }) => ctx.db.get('post', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({ scope: 'private', key: ({ ctx }) => `post:mine:${ctx.session.user.id}` }),
    )
    .query(({ ctx }) => ctx.db.list('post', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['post'] }))
    .query(({ ctx }) => ctx.db.count('post')),
  forOrg: requirePermission('post:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => `post:${ctx.session.user.orgId}:${input.status}`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('post', { q: input.status })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const created = ctx.db.create('post', input.name);
      // Annotated: a resolver's return type must not wait on the router's own type (TS7022).
      const removed: number = await invalidateTag.post();
      return { ...created, removed };
    }),
  update: requirePermission('post:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('post', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('post') })),
} satisfies TRPCRouterRecord;
