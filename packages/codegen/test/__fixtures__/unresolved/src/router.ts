import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import { rateLimit } from './ambient.js';

const t = initTRPC.create();
const cacheMiddleware = createCacheMiddleware(createCache());

function makeRouter(cached: boolean) {
  return cached
    ? t.router({ hidden: t.procedure.use(cacheMiddleware()).query(() => 1) })
    : t.router({});
}

function sharedOptions() {
  return { ttl: 5 };
}

export const appRouter = t.router({
  ok: t.procedure.query(() => 1),
  // A router factory returning one of two routers, one cached: it could hide a cached procedure.
  built: makeRouter(true),
  // Options from a call: still cached, but namespace/tags/key are unknown (warning).
  opaque: t.procedure.use(cacheMiddleware(sharedOptions())).query(() => 2),
  // A cached mutation never stores: a warning, and no helpers.
  save: t.procedure.use(cacheMiddleware()).mutation(() => 3),
  // A middleware known only from a .d.ts: assumed not a cache middleware (warning).
  limited: t.procedure.use(rateLimit).query(() => 4),
});
