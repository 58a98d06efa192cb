import { z } from 'zod';
import {
  createTRPCRouter,
  protectedProcedure,
  publicProcedure,
  requirePermission,
} from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

export const documentRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['document'] }))
    .query(({ ctx, input }) => ctx.db.list('document', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: 'document', tags: ['document'] }))
    .query(({ ctx, input }) => ctx.db.get('document', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({
        scope: 'private',
        key: ({ ctx }) => `document:mine:${ctx.session.user.id}`,
      }),
    )
    .query(({ ctx }) => ctx.db.list('document', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['document'] }))
    .query(({ ctx }) => ctx.db.count('document')),
  recent: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).default(7) }))
    .use(cacheMiddleware({ scope: 'private', ttl: 30 }))
    .query(({ ctx, input }) => ctx.db.list('document', { page: input.days })),
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const created = ctx.db.create('document', input.name);
      return created;
    }),
  update: requirePermission('document:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('document', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('document') })),
});
