import { type inferProcedureBuilderResolverOptions, initTRPC, TRPCError } from '@trpc/server';
import type { Context } from './context.js';

const t = initTRPC.context<Context>().create();

export const router = t.router;
export const publicProcedure = t.procedure;
export const middleware = t.middleware;

/** Rejects anonymous callers and narrows ctx.userId to a string. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.userId === undefined) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

/** The ctx after authedProcedure: what `users.me`'s cache key reads. */
export type AuthedContext = inferProcedureBuilderResolverOptions<typeof authedProcedure>['ctx'];
