/** The app's cache and its middleware factory. */
import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import type { Context } from './context.js';

/**
 * One in-memory cache (32 MiB) under the root namespace `complex`; a route's own namespace is
 * appended (`namespacePolicy: 'concat'`, the default), e.g. `complex:users`.
 */
export const cache = createCache({
  store: memoryStore({ maxBytes: 32 * 1024 * 1024 }),
  namespace: 'complex',
  ttl: 60,
});

/**
 * Entries of a signed-in caller are keyed by their user id (hashed before it reaches a key),
 * unless the route says `scope: 'public'`: every shared route here declares it.
 */
export const cacheMiddleware = createCacheMiddleware(cache, {
  principal: (ctx: Context) => ctx.user?.id,
});
