import { z } from 'zod';
// The generated module imports the router, which imports this file: a cycle that is safe because
// the generated helpers only touch the router when called.
import { invalidate } from '../expected/routecache.generated.js';
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
    .mutation(async ({ input }) => {
      // Annotated: a resolver's return type must not wait on the router's own type (TS7022).
      const removed: number = await invalidate.users.get({ id: input.id });
      return { ...input, removed };
    }),
});
