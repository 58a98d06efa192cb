import { type Cache, createCache } from '@routecache/core';
import type { RouteKeyArgs } from '@routecache/core/adapter';
import { initTRPC, TRPCError } from '@trpc/server';
import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { withCacheContext } from './cache-context.js';
import { type CachedRoute, getCachedRoute } from './introspect.js';
import { createCacheMiddleware } from './middleware.js';

interface Ctx {
  user: { id: string } | null;
  db: { version: number };
}
const t = initTRPC.context<Ctx>().create();
const cache: Cache = createCache();
const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user?.id });
const authed = t.procedure.use(({ ctx, next }) => {
  if (ctx.user === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { user: ctx.user } });
});
const Input = z.object({ id: z.string(), page: z.number().optional() });

describe('cacheMiddleware options', () => {
  it('types key and tags from the procedure: parsed input and the narrowed ctx', () => {
    authed.input(Input).use(
      cacheMiddleware({
        key: (args) => {
          expectTypeOf(args).toEqualTypeOf<
            RouteKeyArgs<
              { id: string; page?: number | undefined },
              { user: { id: string }; db: { version: number } }
            >
          >();
          expectTypeOf(args.input).not.toBeAny();
          expectTypeOf(args.ctx.user.id).toEqualTypeOf<string>();
          return args.input.id;
        },
        tags: ({ input, ctx }) => {
          expectTypeOf(input.id).toEqualTypeOf<string>();
          expectTypeOf(ctx.db.version).toEqualTypeOf<number>();
          return [`post:${input.id}`];
        },
      }),
    );
  });

  it('rejects options of the wrong type', () => {
    // @ts-expect-error scope is 'public' | 'private'
    cacheMiddleware({ scope: 'shared' });
    // @ts-expect-error ttl is a number of seconds
    cacheMiddleware({ ttl: '60' });
    // @ts-expect-error vary is a list of header names
    cacheMiddleware({ vary: 'accept-language' });
    // @ts-expect-error the key function returns a string
    t.procedure.input(Input).use(cacheMiddleware({ key: ({ input }) => input.page }));
    t.procedure.input(Input).use(
      cacheMiddleware({
        // @ts-expect-error input has no such field
        key: ({ input }) => input.nope,
      }),
    );
  });
});

describe('ctx and input flow through the middleware', () => {
  it('accepts a context with optional fields under exactOptionalPropertyTypes', () => {
    const optional = initTRPC.context<{ user?: string }>().create();
    const withOptional = createCacheMiddleware(cache, {
      principal: (ctx: { user?: string }) => ctx.user,
    });
    optional.procedure
      .use(withOptional({ scope: 'private', key: ({ ctx }) => ctx.user ?? 'anonymous' }))
      .query(({ ctx }) => {
        expectTypeOf(ctx.user).toEqualTypeOf<string | undefined>();
        return ctx.user;
      });
  });

  it('leaves the resolver ctx and input types as they were, without any', () => {
    const procedure = authed
      .input(Input)
      .use(cacheMiddleware({ ttl: 60 }))
      .query(({ ctx, input }) => {
        expectTypeOf(ctx.user).toEqualTypeOf<{ id: string }>();
        expectTypeOf(ctx.db).toEqualTypeOf<{ version: number }>();
        expectTypeOf(input).toEqualTypeOf<{ id: string; page?: number | undefined }>();
        expectTypeOf(ctx).not.toBeAny();
        return { title: 'hello' as const };
      });
    const router = t.router({ post: procedure });
    const caller = t.createCallerFactory(router)({ user: null, db: { version: 1 } });
    expectTypeOf(caller.post)
      .parameter(0)
      .toEqualTypeOf<{ id: string; page?: number | undefined }>();
    expectTypeOf(caller.post).returns.resolves.toEqualTypeOf<{ title: 'hello' }>();
  });

  it('types keyFor/invalidate by the middleware input and getCachedRoute by CachedRoute', () => {
    const postCache = cacheMiddleware<{ id: string }>({ ttl: 60 });
    expectTypeOf(postCache.keyFor).parameters.toEqualTypeOf<
      [path: string, input: { id: string }, ctx?: unknown]
    >();
    expectTypeOf(postCache.invalidate).returns.toEqualTypeOf<Promise<number>>();
    const router = t.router({ post: t.procedure.use(cacheMiddleware()).query(() => 1) });
    expectTypeOf(getCachedRoute(router, 'post')).toEqualTypeOf<CachedRoute | undefined>();
  });

  it('keeps the context type through withCacheContext', () => {
    const createContext = withCacheContext((opts: FetchCreateContextFnOptions) => ({
      user: opts.req.headers.get('x-user'),
    }));
    expectTypeOf(createContext).returns.resolves.toEqualTypeOf<{ user: string | null }>();
  });
});
