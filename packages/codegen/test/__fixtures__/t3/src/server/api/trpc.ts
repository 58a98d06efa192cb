/**
 * As create-t3-app's trpc.ts: the context, the tRPC instance and the procedures routers use.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { auth } from '~/server/auth';
import { db } from '~/server/db';

export const createTRPCContext = async (opts: { headers: Headers }) => {
  const session = auth(opts.headers);
  return { db, session, ...opts };
};

const t = initTRPC.context<typeof createTRPCContext>().create();

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

const timingMiddleware = t.middleware(async ({ next }) => {
  const result = await next();
  return result;
});

export const publicProcedure = t.procedure.use(timingMiddleware);

export const protectedProcedure = t.procedure.use(timingMiddleware).use(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { session: { ...ctx.session, user: ctx.session.user } } });
});

/** A permission-builder factory: a procedure that requires one permission of the user. */
export function requirePermission(permission: string) {
  return protectedProcedure.use(({ ctx, next }) => {
    const granted = ctx.session.user.permissions;
    if (!granted.includes(permission) && !granted.includes('*')) {
      throw new TRPCError({ code: 'FORBIDDEN' });
    }
    return next({ ctx: { permission } });
  });
}
