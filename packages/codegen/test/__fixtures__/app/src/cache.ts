import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import type { Context } from './context.js';

export const cache = createCache({ store: memoryStore(), namespace: 'app' });

export const cacheMiddleware = createCacheMiddleware(cache, {
  principal: (ctx: Context) => ctx.userId,
});
