// The curated public surface of @routecache/trpc (web-standard; Node glue lives in ./node).

export {
  type CreateContextOptionsLike,
  type RequestCallLike,
  withCacheContext,
} from './cache-context.js';
export { withHttpCache } from './http/fetch.js';
export { type CachedRoute, getCachedRoute, listCachedRoutes } from './introspect.js';
export {
  CACHE_MIDDLEWARE,
  type CacheMiddlewareCallOptions,
  type CacheMiddlewareFactory,
  type CacheMiddlewareFunction,
  type CacheMiddlewareMarker,
  createCacheMiddleware,
} from './middleware.js';
export {
  type CacheMiddlewareOptions,
  type CacheSetup,
  DEFAULT_STREAM_MAX_BYTES,
  DEFAULT_STREAM_MAX_CHUNKS,
  type ResolvedRouteOptions,
  type RouteKeyArgs,
  type StreamCacheLimits,
} from './options.js';
export type { HeaderReader } from './request-state.js';
export { type EntityTag, setETag } from './resolver-etag.js';
export {
  createRouteHelpers,
  type RouteHelpers,
  type RouterSource,
} from './route-helpers.js';
