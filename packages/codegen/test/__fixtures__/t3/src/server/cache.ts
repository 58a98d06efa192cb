import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import type { Session } from '~/server/auth';

export const cache = createCache({ store: memoryStore(), namespace: 't3' });

export const cacheMiddleware = createCacheMiddleware(cache, {
  principal: (ctx: { session: Session | null }) => ctx.session?.user.id,
});
