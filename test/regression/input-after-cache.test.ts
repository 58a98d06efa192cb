/**
 * Guards against a key that misses part of the input: with `.input(A).use(cache).input(B)` the
 * cache sees only A, so tenant B was served tenant A's result. Such a chain is refused with a
 * ConfigurationError naming the route and the fix, over HTTP (the procedure chain is checked
 * when the context is built) and through a server-side caller (anything after the cache that
 * reads the raw input is refused), and the resolver never runs.
 */
import { ConfigurationError, createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC, type TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingClient } from '../support/trpc-client.js';
import {
  HTTP_ADAPTERS,
  startTrpcServer,
  type TestContext,
  type TrpcTestServer,
} from '../support/trpc-server.js';

const Id = z.object({ id: z.string() });
const Tenant = z.object({ tenant: z.string() });

function buildRouter() {
  const runs: Record<string, number> = {};
  const t = initTRPC.context<TestContext>().create();
  const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }));
  const resolve =
    (name: string) =>
    ({ input }: { input: { id: string; tenant: string } }) => {
      runs[name] = (runs[name] ?? 0) + 1;
      return `${input.tenant}:${input.id}`;
    };
  const router = t.router({
    report: t.procedure
      .input(Id)
      .use(cacheMiddleware({ scope: 'public' }))
      .input(Tenant)
      .query(resolve('report')),
    // The placement that works: after the last .input().
    fixed: t.procedure
      .input(Id)
      .input(Tenant)
      .use(cacheMiddleware({ scope: 'public' }))
      .query(resolve('fixed')),
  });
  return { router, runs };
}
type Router = ReturnType<typeof buildRouter>['router'];

function expectRefusal(cause: unknown, path: string): void {
  expect(cause).toBeInstanceOf(ConfigurationError);
  expect((cause as ConfigurationError).code).toBe('ROUTECACHE_CONFIGURATION');
  expect((cause as ConfigurationError).message).toContain(`"${path}"`);
  expect((cause as ConfigurationError).message).toContain('after the last .input(');
}

describe.each(HTTP_ADAPTERS)('a cache between two .input() calls (%s adapter)', (kind) => {
  let server: TrpcTestServer;
  afterEach(() => server.close());

  it('is refused, so tenant b never gets tenant a’s result', async () => {
    const app = buildRouter();
    server = await startTrpcServer(kind, app.router);
    const { client } = recordingClient<Router>(server.url);
    for (const tenant of ['a', 'b']) {
      await expect(client.report.query({ id: '1', tenant })).rejects.toThrow(
        'after the last .input(',
      );
    }
    expect(server.errors).toHaveLength(2);
    for (const error of server.errors) expectRefusal((error as TRPCError).cause, 'report');
    expect(app.runs.report).toBeUndefined();

    expect(await client.fixed.query({ id: '1', tenant: 'a' })).toBe('a:1');
    expect(await client.fixed.query({ id: '1', tenant: 'b' })).toBe('b:1');
    expect(await client.fixed.query({ id: '1', tenant: 'a' })).toBe('a:1');
    expect(app.runs.fixed).toBe(2);
  });
});

describe('a cache between two .input() calls, through a server-side caller', () => {
  it('is refused on every call, before the resolver runs', async () => {
    const app = buildRouter();
    const t = initTRPC.context<TestContext>().create();
    const caller = t.createCallerFactory(app.router)({
      user: null,
      lang: null,
      setResponseHeader: () => {},
    });
    for (const tenant of ['a', 'b']) {
      const error = await caller.report({ id: '1', tenant }).catch((caught: unknown) => caught);
      expectRefusal((error as TRPCError).cause, 'report');
    }
    expect(app.runs.report).toBeUndefined();
    expect(await caller.fixed({ id: '1', tenant: 'b' })).toBe('b:1');
  });
});
