import { z } from 'zod';
import { cacheMiddleware } from './cache.js';
import { authedProcedure, publicProcedure, router } from './trpc.js';

export const usersRouter = router({
  get: publicProcedure
    .input(z.object({ id: z.number().int() }))
    .use(cacheMiddleware({ namespace: 'users', tags: ['users'], vary: ['accept-language'] }))
    .query(({ input }) => ({ id: input.id, name: `user ${input.id}` })),
  byEmail: publicProcedure
    .input(z.object({ email: z.string() }))
    .use(cacheMiddleware({ key: ({ input }) => `users:email:${input.email.toLowerCase()}` }))
    .query(({ input }) => ({ email: input.email })),
  me: authedProcedure
    .use(cacheMiddleware({ scope: 'private', key: ({ ctx }) => `me:${ctx.userId}` }))
    .query(({ ctx }) => ({ id: ctx.userId })),
  rename: publicProcedure
    .input(z.object({ id: z.number().int(), name: z.string() }))
    .mutation(({ input }) => input),
});
