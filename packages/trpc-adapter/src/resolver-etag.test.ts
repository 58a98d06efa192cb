import { ConfigurationError, createCache } from '@routecache/core';
import { type EntityTag, requestStateFor, requestStateOf, setETag } from '@routecache/core/adapter';
import { initTRPC, type TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withCacheContext } from './cache-context.js';
import { createCacheMiddleware } from './middleware.js';

const t = initTRPC.create();

describe('setETag', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('stores the tag with the entry, through a server-side caller too', async () => {
    const cache = createCache();
    const cacheMiddleware = createCacheMiddleware(cache);
    const stored: string[] = [];
    const router = t.router({
      post: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
        setETag(ctx, 'W/"r7"');
        return 'post';
      }),
    });
    cache.on('stored', ({ key }) => stored.push(key));
    expect(await t.createCallerFactory(router)({}).post()).toBe('post');
    const [key] = stored;
    expect((await cache.store.get(key ?? ''))?.etag).toBe('W/"r7"');
  });

  it('refuses a tag that is no entity-tag, and a ctx no cache middleware passed on', async () => {
    const cacheMiddleware = createCacheMiddleware(createCache());
    const router = t.router({
      unquoted: t.procedure
        .use(cacheMiddleware({ scope: 'public' }))
        .query(({ ctx }) => setETag(ctx, 'r7' as EntityTag)),
      uncached: t.procedure.query(({ ctx }) => setETag(ctx, '"r7"')),
    });
    const caller = t.createCallerFactory(router)({});
    for (const [call, message] of [
      [caller.unquoted, /needs an entity-tag/],
      [caller.uncached, /procedure that uses cacheMiddleware/],
    ] as const) {
      const cause = ((await call().catch((error: unknown) => error)) as TRPCError).cause;
      expect(cause).toBeInstanceOf(ConfigurationError);
      expect((cause as Error).message).toMatch(message);
    }
  });

  it('replaces an invalid ETag set on the response with the computed one, warning once', async () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const cacheMiddleware = createCacheMiddleware(createCache());
    const router = t.router({
      post: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => 'post'),
    });
    const req = new Request('http://localhost/trpc/post');
    requestStateFor(req);
    const resHeaders = new Headers({ etag: 'not-quoted' });
    const ctx = await withCacheContext()({ req, resHeaders, info: { calls: [{ path: 'post' }] } });
    await t.createCallerFactory(router)(ctx).post();
    expect(requestStateOf(ctx)?.calls[0]?.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(emit.mock.calls[0]?.[1]).toMatchObject({ code: 'ROUTECACHE_INVALID_ETAG' });
  });
});
