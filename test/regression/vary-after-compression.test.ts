/**
 * Guards the 304's Vary when a layer after the handler varies the 200 only. The `compression`
 * middleware — which Next.js runs (vendored) under `next start` and `next dev` — adds
 * `Vary: Accept-Encoding` to a compressible 200, but not to a 304 (no Content-Type), so the 304
 * did not repeat its 200's Vary (RFC 9110 §15.4.5). `withHttpCache(handler, { vary:
 * ['accept-encoding'] })` puts the name on both. A real HTTP server, the real `compression`
 * package, tRPC's fetch adapter; `pnpm test:next` checks the same under Next.js itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware, withCacheContext, withHttpCache } from '@routecache/trpc';
import { withNodeHttpCache } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import compression from 'compression';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bridge, listen } from '../support/trpc-server.js';

const t = initTRPC.create();
const cacheMiddleware = createCacheMiddleware(createCache({ store: memoryStore() }));
const router = t.router({
  item: t.procedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ scope: 'public' }))
    .query(({ input }) => ({ id: input.id })),
});

type GlueOptions = Parameters<typeof withHttpCache>[1];

/**
 * The glue behind `compression()`: the fetch glue as Next.js serves a route handler, the Node
 * glue as an Express app with `compression()` serves tRPC.
 */
const GLUES = {
  fetch: (options: GlueOptions) =>
    bridge(
      withHttpCache(
        (req: Request) =>
          fetchRequestHandler({
            endpoint: '/trpc',
            req,
            router,
            createContext: withCacheContext(),
          }),
        options,
      ),
    ),
  node: (options: GlueOptions) =>
    withNodeHttpCache(
      createHTTPHandler({ router, basePath: '/trpc/', createContext: withCacheContext() }),
      options,
    ),
} as const;

async function compressedServer(glue: keyof typeof GLUES, options: GlueOptions) {
  const compress = compression();
  const serve = GLUES[glue](options);
  return listen((req: IncomingMessage, res: ServerResponse) =>
    compress(req, res, () => serve(req, res)),
  );
}

const varyNames = (response: Response) =>
  (response.headers.get('vary') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .sort();

describe.each(Object.keys(GLUES) as (keyof typeof GLUES)[])(
  'the Vary of a 304 behind response compression (%s glue)',
  (glue) => {
    let close: (() => Promise<void>) | undefined;
    afterEach(() => close?.());

    async function okThenNotModified(options: GlueOptions) {
      const server = await compressedServer(glue, options);
      close = server.close;
      const url = `${server.url}/item?input=${encodeURIComponent(JSON.stringify({ id: 'a' }))}`;
      const headers = { 'accept-encoding': 'gzip' };
      const ok = await fetch(url, { headers });
      await ok.text();
      const etag = ok.headers.get('etag') ?? '';
      const notModified = await fetch(url, { headers: { ...headers, 'if-none-match': etag } });
      expect([ok.status, notModified.status]).toEqual([200, 304]);
      return { ok: varyNames(ok), notModified: varyNames(notModified) };
    }

    it('lacks Accept-Encoding on the 304 without the option (what compression does)', async () => {
      const vary = await okThenNotModified(undefined);
      expect(vary.ok).toEqual(['accept', 'accept-encoding', 'trpc-accept']);
      expect(vary.notModified).toEqual(['accept', 'trpc-accept']);
    });

    it("repeats the 200's Vary on the 304 with vary: ['accept-encoding']", async () => {
      const vary = await okThenNotModified({ vary: ['accept-encoding'] });
      expect(vary.ok).toEqual(['accept', 'accept-encoding', 'trpc-accept']);
      expect(vary.notModified).toEqual(vary.ok);
    });
  },
);
