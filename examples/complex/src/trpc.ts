/** The tRPC instance: superjson on the wire (Dates and Maps survive), and the auth middleware. */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { Context } from './context.js';

const t = initTRPC.context<Context>().create({ transformer: superjson });

/** Builds a router (`router({ … })`). */
export const router = t.router;
/** A procedure anyone may call. */
export const publicProcedure = t.procedure;

/**
 * Rejects anonymous callers and narrows `ctx.user`. Procedures put their cache middleware
 * *after* it: this check runs on every call, hit or miss, so a cached answer never reaches a
 * caller it would have rejected.
 */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.user === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});
