import { createCache, memoryStore } from '@routecache/core';
import type { Context } from './context.js';
import { createCacheMiddleware } from './routecache.js';

export const cache = createCache({ store: memoryStore(), namespace: 'app' });

export const cacheMiddleware = createCacheMiddleware(cache, {
  principal: (ctx: Context) => ctx.userId,
});
