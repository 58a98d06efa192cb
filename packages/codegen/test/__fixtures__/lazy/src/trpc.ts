import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware as makeCacheMiddleware } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';

export const t = initTRPC.create();

export const cache = createCache({ store: memoryStore(), namespace: 'lazy' });

// Renamed import and a const middleware instance: discovery resolves both through the checker.
const cacheMiddleware = makeCacheMiddleware(cache);
export const hourly = cacheMiddleware({
  ttl: 3600,
  namespace: 'hourly',
  tags: ['reports', 'slow'],
});
/** A cached base procedure for procedures without input. */
export const cached = t.procedure.use(hourly);

/** A project function that returns a cacheMiddleware: discovery follows it (and so does the runtime). */
export function cachedFor(ttl: number) {
  return cacheMiddleware({ ttl, tags: ['reports'] });
}
