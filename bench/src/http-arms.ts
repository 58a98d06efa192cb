/**
 * What the `http` section's driver (http.ts), its server processes (http-server.ts) and the
 * callgrind probe (probe.ts) share. Every arm serves the same procedure, `item`, whose result is
 * ~2 KB of JSON.
 */
import { createServer, type Server } from 'node:http';
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { initTRPC } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createFloorMiddleware } from './floor.js';

/** The arms http.ts starts, each in its own process. */
export const HTTP_ARMS = ['floor', 'routecache', 'plain', 'wrapper'] as const;
export type HttpArm = (typeof HTTP_ARMS)[number];

/** Keep-alive connections the load generator holds open, each one request at a time. */
export const CONNECTIONS = 50;

/** The line the server prints once it listens. */
export const PORT_LINE = '@@port ';

/** ~2 KB of JSON: a product with a description and a list of variants. */
export const ITEM = {
  id: 1,
  name: 'Lightweight trail running shoe',
  description: 'x'.repeat(1077),
  variants: Array.from({ length: 16 }, (_, i) => ({
    sku: `TR-${1000 + i}`,
    size: 36 + (i % 12),
    color: i % 2 === 0 ? 'slate' : 'ember',
    stock: (i * 7) % 23,
  })),
};

/** The request path every arm is loaded with. */
export const ITEM_PATH = `/item?input=${encodeURIComponent(JSON.stringify({ id: 1 }))}`;

const t = initTRPC.create();
/** The input every arm's procedure takes (validated by a plain function, as cheap as it gets). */
const itemInput = (raw: unknown) => raw as { id: number };

/** The arm's server, not listening yet. */
export function armServer(arm: HttpArm): Server {
  switch (arm) {
    case 'floor': {
      const router = t.router({
        item: t.procedure
          .input(itemInput)
          .use(createFloorMiddleware())
          .query(() => ({ ...ITEM })),
      });
      return createServer(createHTTPHandler({ router }));
    }
    case 'routecache': {
      const cache = createCache({ store: memoryStore(), ttl: 3600 });
      const cacheMiddleware = createCacheMiddleware(cache);
      const router = t.router({
        item: t.procedure
          .input(itemInput)
          .use(cacheMiddleware({ scope: 'public' }))
          .query(() => ({ ...ITEM })),
      });
      return createCachedHTTPServer({ router });
    }
    case 'plain': {
      const router = t.router({ item: t.procedure.input(itemInput).query(() => ITEM) });
      return createServer(createHTTPHandler({ router }));
    }
    case 'wrapper': {
      const router = t.router({ item: t.procedure.input(itemInput).query(() => ITEM) });
      return createCachedHTTPServer({ router });
    }
  }
}
