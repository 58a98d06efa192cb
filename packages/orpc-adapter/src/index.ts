// The public surface of @routecache/orpc: the cache middleware, the handler plugin (HTTP glue for
// the fetch and Node handlers alike) and typed keys. Everything else is core's adapter contract.

export type {
  CacheMiddlewareOptions,
  CacheSetup,
  CdnName,
  EntityTag,
  HttpCacheOptions,
} from '@routecache/core/adapter';
export { setETag } from '@routecache/core/adapter';
export { type RouteKeys, routeKeys } from './keys.js';
export {
  type CacheMiddlewareFactory,
  type CacheMiddlewareFunction,
  createCacheMiddleware,
} from './middleware.js';
export { CachePlugin } from './plugin.js';
