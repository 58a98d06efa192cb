/** Users: a private `me`, a language-dependent profile, a lookup by handle under a custom key. */
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { cacheMiddleware } from '../cache.js';
import { db } from '../db.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';

const GREETINGS: Record<string, string> = { en: 'Hello', fr: 'Bonjour', de: 'Hallo' };

async function found<T>(value: Promise<T | undefined>): Promise<T> {
  const result = await value;
  if (result === undefined) throw new TRPCError({ code: 'NOT_FOUND' });
  return result;
}

/** `users.*`, mounted by `src/router.ts`. */
export const usersRouter = router({
  /** The caller's own profile: auth first, then a cache entry per user (`scope: 'private'`). */
  me: authedProcedure
    .use(cacheMiddleware({ scope: 'private', ttl: 30 }))
    .query(({ ctx }) => found(db.getUser(ctx.user.id))),

  /**
   * A public profile whose greeting depends on `Accept-Language`: one entry per language
   * (`vary`), all under one base key, so one invalidation drops every language.
   */
  get: publicProcedure
    .input(z.object({ userId: z.string() }))
    .use(
      cacheMiddleware({
        namespace: 'users',
        scope: 'public',
        vary: ['accept-language'],
        tags: ['users'],
      }),
    )
    .query(async ({ input, ctx }) => {
      const user = await found(db.getUser(input.userId));
      return { ...user, greeting: `${GREETINGS[ctx.locale] ?? GREETINGS.en}, ${user.name}` };
    }),

  /** Handles are case-insensitive: a custom key makes `Alice` and `alice` one entry. */
  byHandle: publicProcedure
    .input(z.object({ handle: z.string().min(1) }))
    .use(
      cacheMiddleware({
        namespace: 'users',
        scope: 'public',
        key: ({ input }) => `handle:${input.handle.toLowerCase()}`,
      }),
    )
    .query(({ input }) => found(db.userByHandle(input.handle.toLowerCase()))),
});
