// The public surface of @routecache/trpc: what an app author writes, plus the types an app's own
// declarations name when they export a middleware (web-standard; Node glue lives in ./node).
// The rest of the middleware machinery stays in its modules.

export type { CacheMiddlewareOptions, CacheSetup } from '@routecache/core/adapter';
export { type EntityTag, setETag, withHttpCache } from '@routecache/core/adapter';
export { type CreateContextOptionsLike, withCacheContext } from './cache-context.js';
export { type CachedRoute, getCachedRoute, listCachedRoutes } from './introspect.js';
export {
  type CacheMiddlewareFactory,
  type CacheMiddlewareFunction,
  createCacheMiddleware,
} from './middleware.js';
export { createRouteHelpers, type RouteHelpers } from './route-helpers.js';
