/**
 * Issue 8, item 17: with `@trpc/server` 11.0–11.9 the adapter type-checked badly and, at run
 * time, every cache header was lost silently (middlewares get no `batchIndex` there, and a
 * call's HTTP record is filed under it). The adapter now declares `^11.10.0` and fails a call
 * under an older tRPC with a `ConfigurationError` naming the required version.
 *
 * The lowest supported (11.10.0) and the newest unsupported (11.9.0) versions are installed as
 * npm aliases of `@trpc/server` in test/package.json. The adapter itself resolves only the
 * workspace's (newest) `@trpc/server`, and only for types and the `middlewareMarker` string
 * constant (the same value in every 11.x): everything else it gets from the tRPC that runs the
 * router. So a router and HTTP handler built from an alias run the adapter on that version,
 * exactly as an app pinned to it would. The newest version is what every other test runs.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigurationError, createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, withCacheContext } from '@routecache/trpc';
import { withNodeHttpCache } from '@routecache/trpc/node';
import { createTRPCUntypedClient, httpBatchLink } from '@trpc/client';
import { initTRPC as initLowest } from 'trpc-server-lowest';
import { createHTTPHandler as lowestHandler } from 'trpc-server-lowest/adapters/standalone';
import { initTRPC as initUnsupported } from 'trpc-server-unsupported';
import { createHTTPHandler as unsupportedHandler } from 'trpc-server-unsupported/adapters/standalone';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listen } from '../support/trpc-server.js';
import { batchUrl, inputQuery } from '../trpc/fixtures.js';

function packageJson(path: string): {
  version: string;
  peerDependencies?: Record<string, string>;
} {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
}
const declared = packageJson('../../packages/trpc-adapter/package.json').peerDependencies?.[
  '@trpc/server'
];
const lowest = packageJson('../node_modules/trpc-server-lowest/package.json').version;
const unsupported = packageJson('../node_modules/trpc-server-unsupported/package.json').version;

function cacheFactory() {
  return createCacheMiddleware(createCache({ store: memoryStore() }));
}

function lowestRouter() {
  let runs = 0;
  const t = initLowest.create();
  const cacheMiddleware = cacheFactory();
  return t.router({
    post: t.procedure
      .input(z.object({ id: z.string() }))
      .use(cacheMiddleware({ scope: 'public', ttl: 60 }))
      .query(({ input }) => ({ id: input.id, run: ++runs })),
  });
}

const errors: unknown[] = [];
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  errors.length = 0;
});

async function serve(listener: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = await listen(withNodeHttpCache(listener));
  close = server.close;
  return server.url;
}

describe('the declared @trpc/server range', () => {
  it(`is ^${lowest}, the lowest version installed for this test`, () => {
    expect(declared).toBe(`^${lowest}`);
    expect(unsupported).toBe('11.9.0');
  });
});

describe(`lowest supported @trpc/server (${lowest}), real HTTP`, () => {
  async function start() {
    return serve(
      lowestHandler({
        router: lowestRouter(),
        basePath: '/trpc/',
        createContext: withCacheContext(),
        onError: ({ error }) => errors.push(error),
      }),
    );
  }

  it('sends MISS, then HIT with the same ETag, then 304 for If-None-Match', async () => {
    const url = await start();
    const path = `${url}/post?${inputQuery({ id: '1' })}`;
    const miss = await fetch(path);
    const hit = await fetch(path);
    expect([miss.headers.get('x-cache'), hit.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
    expect(await hit.json()).toEqual(await miss.json());
    const etag = miss.headers.get('etag');
    expect(etag).toMatch(/^"/);
    expect(hit.headers.get('etag')).toBe(etag);
    const notModified = await fetch(path, { headers: { 'if-none-match': etag ?? '' } });
    expect(notModified.status).toBe(304);
    expect(errors).toEqual([]);
  });

  it('files each call of a batch under its own index', async () => {
    const url = await start();
    await fetch(`${url}/post?${inputQuery({ id: '1' })}`);
    const batch = await fetch(
      batchUrl(url, [
        ['post', { id: '2' }],
        ['post', { id: '1' }],
      ]),
    );
    expect(batch.headers.get('x-cache')).toBe('MISS, HIT');
    // Untyped: the workspace's @trpc/client types belong to the newest @trpc/server.
    const client = createTRPCUntypedClient({ links: [httpBatchLink({ url })] });
    expect(
      await Promise.all([client.query('post', { id: '1' }), client.query('post', { id: '2' })]),
    ).toEqual([
      { id: '1', run: 1 },
      { id: '2', run: 2 },
    ]);
  });
});

describe(`unsupported @trpc/server (${unsupported}) fails loudly`, () => {
  function unsupportedRouter() {
    const t = initUnsupported.create();
    const cacheMiddleware = cacheFactory();
    return t.router({
      // The type-check failure item 17 describes: 11.9 middlewares receive no batchIndex.
      // @ts-expect-error the adapter's middleware needs @trpc/server ≥ 11.10
      post: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => ({ run: 1 })),
    });
  }

  it('answers 500 with a ConfigurationError naming the required version, never a silent miss', async () => {
    const url = await serve(
      unsupportedHandler({
        router: unsupportedRouter(),
        basePath: '/trpc/',
        createContext: withCacheContext(),
        onError: ({ error }) => errors.push(error),
      }),
    );
    const response = await fetch(`${url}/post`);
    expect(response.status).toBe(500);
    const cause = (errors[0] as Error).cause;
    expect(cause).toBeInstanceOf(ConfigurationError);
    expect((cause as ConfigurationError).message).toContain(`@trpc/server ^${lowest}`);
    expect((cause as ConfigurationError).context).toEqual({ path: 'post', required: `^${lowest}` });
  });

  it('fails a server-side call the same way', async () => {
    const router = unsupportedRouter();
    const caller = initUnsupported.create().createCallerFactory(router)({});
    const error = await caller.post().catch((caught: unknown) => caught);
    expect((error as Error).cause).toBeInstanceOf(ConfigurationError);
  });
});
