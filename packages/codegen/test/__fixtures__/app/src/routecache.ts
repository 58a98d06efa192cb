// A local re-export: discovery follows it to @routecache/trpc.
export { createCacheMiddleware } from '@routecache/trpc';
