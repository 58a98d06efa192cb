import { createCache } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';

export const cacheMiddleware = createCacheMiddleware(createCache());
