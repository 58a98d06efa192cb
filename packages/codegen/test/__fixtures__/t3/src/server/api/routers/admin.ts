import { createTRPCRouter, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';
import { userRouter } from './user';

/** Imports another router and mounts it again, under admin.users. */
export const adminRouter = createTRPCRouter({
  users: userRouter,
  overview: requirePermission('admin')
    .use(cacheMiddleware({ scope: 'private', key: ({ ctx }) => `admin:${ctx.session.user.orgId}` }))
    .query(({ ctx }) => ({ org: ctx.session.user.orgId, permission: ctx.permission })),
  purge: requirePermission('admin').mutation(() => ({ ok: true })),
});
