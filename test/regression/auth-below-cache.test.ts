/**
 * Issue 8, item 4: when a middleware or resolver *below* the cache rejects a call with
 * `UNAUTHORIZED`/`FORBIDDEN` on a public route, a hit skips that check for the next caller —
 * silently. The cache now warns once per route (`ROUTECACHE_AUTH_BELOW_CACHE`) naming the fix.
 * Driven over real HTTP with the tRPC client.
 */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { initTRPC, TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { startTrpcServer, type TestContext, type TrpcTestServer } from '../support/trpc-server.js';

function buildRouter() {
  const t = initTRPC.context<TestContext>().create();
  const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }), {
    principal: (ctx: TestContext) => ctx.user ?? undefined,
  });
  const requireUser = t.middleware(({ ctx, next }) => {
    if (ctx.user === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next();
  });
  return t.router({
    // The wiring mistake: auth placed after the cache.
    authAfterCache: t.procedure
      .use(cacheMiddleware({ scope: 'public' }))
      .use(requireUser)
      .query(() => ({ secret: 42 })),
    forbiddenInResolver: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(({ ctx }) => {
      if (ctx.user !== 'admin') throw new TRPCError({ code: 'FORBIDDEN' });
      return { secret: 7 };
    }),
    // The right placements and other failures: no warning.
    authBeforeCache: t.procedure
      .use(requireUser)
      .use(cacheMiddleware({ scope: 'public' }))
      .query(() => ({ secret: 1 })),
    privateRoute: t.procedure.use(cacheMiddleware({ scope: 'private' })).query(({ ctx }) => {
      if (ctx.user !== 'admin') throw new TRPCError({ code: 'FORBIDDEN' });
      return { secret: 2 };
    }),
    notFound: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => {
      throw new TRPCError({ code: 'NOT_FOUND' });
    }),
  });
}
type Router = ReturnType<typeof buildRouter>;

describe('auth below the cache (real HTTP, tRPC client)', () => {
  let server: TrpcTestServer | undefined;
  let emitWarning: MockInstance<typeof process.emitWarning>;
  beforeEach(async () => {
    emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    server = await startTrpcServer('standalone', buildRouter());
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await server?.close();
    server = undefined;
  });

  function client(user?: string) {
    const headers = user === undefined ? {} : { 'x-user': user };
    return createTRPCClient<Router>({ links: [httpLink({ url: server?.url ?? '', headers })] });
  }

  /** The messages of ROUTECACHE_AUTH_BELOW_CACHE warnings, in order. */
  function authWarnings(): string[] {
    return emitWarning.mock.calls
      .filter(
        ([, options]) => (options as { code?: string }).code === 'ROUTECACHE_AUTH_BELOW_CACHE',
      )
      .map(([message]) => String(message));
  }

  async function code(call: Promise<unknown>): Promise<string | undefined> {
    const error = await call.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return error instanceof TRPCClientError ? (error.data as { code?: string }).code : undefined;
  }

  it('warns once per route when a check below the cache rejects a call on a public route', async () => {
    expect(await code(client().authAfterCache.query())).toBe('UNAUTHORIZED');
    expect(await code(client().authAfterCache.query())).toBe('UNAUTHORIZED');
    expect(await code(client('eve').forbiddenInResolver.query())).toBe('FORBIDDEN');
    expect(await code(client('eve').forbiddenInResolver.query())).toBe('FORBIDDEN');
    const warnings = authWarnings();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"authAfterCache"');
    expect(warnings[0]).toContain('UNAUTHORIZED');
    expect(warnings[0]).toMatch(/move \.use\(cacheMiddleware\(…\)\) after the auth middleware/);
    expect(warnings[0]).toContain("scope: 'private'");
    expect(warnings[1]).toContain('"forbiddenInResolver"');
    expect(warnings[1]).toContain('FORBIDDEN');
  });

  it('is the leak it warns about: a hit skips the check for the next caller', async () => {
    expect(await client('alice').authAfterCache.query()).toEqual({ secret: 42 });
    // Served from the cache: the auth middleware below it never ran for this anonymous call.
    expect(await client().authAfterCache.query()).toEqual({ secret: 42 });
  });

  it('stays silent for auth before the cache, a private route, and other errors', async () => {
    expect(await code(client().authBeforeCache.query())).toBe('UNAUTHORIZED');
    expect(await code(client('eve').privateRoute.query())).toBe('FORBIDDEN');
    expect(await code(client().notFound.query())).toBe('NOT_FOUND');
    expect(authWarnings()).toEqual([]);
  });
});
