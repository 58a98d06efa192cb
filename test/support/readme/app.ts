/**
 * The app README snippets are written against: a context, a `db`, tRPC's `t`, an auth
 * middleware, a cache, and a router with the procedures the READMEs name (`user`,
 * `users.get`, `users.list`, `users.me`). `globals.ts` makes these names global for the
 * snippets. Type-checked only, never run.
 */
import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';

/** Who calls: `undefined` before auth, set by the auth middleware of `authedProcedure`. */
export interface Context {
  user: { id: string; name: string } | undefined;
}
export interface User {
  id: number | string;
  name: string;
}
export const Post = z.object({ id: z.string(), title: z.string() });
export const Rename = z.object({ id: z.number(), name: z.string() });
export declare const db: {
  users: {
    get(id: number | string): Promise<User>;
    list(): Promise<User[]>;
    update(user: User): Promise<void>;
  };
  posts: {
    get(id: string): Promise<z.infer<typeof Post> & { revision: number }>;
    update(post: z.infer<typeof Post>): Promise<void>;
  };
};
export const createContext = (): Context => ({ user: undefined });

export const t = initTRPC.context<Context>().create();
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.user === undefined) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { user: ctx.user } });
});
export const cache = createCache({ ttl: 60 });
export const cacheMiddleware = createCacheMiddleware(cache, {
  principal: (ctx: Context) => ctx.user?.id,
});

export const appRouter = t.router({
  user: t.procedure
    .input(z.object({ id: z.number() }))
    .use(cacheMiddleware({ scope: 'public' }))
    .query(({ input }) => db.users.get(input.id)),
  users: t.router({
    get: t.procedure
      .input(z.object({ id: z.number() }))
      .use(cacheMiddleware({ scope: 'public', tags: ['users', 'catalog'] }))
      .query(({ input }) => db.users.get(input.id)),
    list: t.procedure
      .use(cacheMiddleware({ scope: 'public', tags: ['users'] }))
      .query(() => db.users.list()),
    me: authedProcedure
      .use(cacheMiddleware({ scope: 'private' }))
      .query(({ ctx }) => db.users.get(ctx.user.id)),
  }),
});
