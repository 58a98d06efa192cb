import { createServer, type Server } from 'node:http';
import type { HttpCacheOptions, MaybePromise } from '@routecache/core/adapter';
import { CachedServerResponse, withNodeHttpCache } from '@routecache/core/node';
import type { AnyTRPCRouter } from '@trpc/server';
import { type CreateHTTPHandlerOptions, createHTTPHandler } from '@trpc/server/adapters/standalone';
import { type CreateContextOptionsLike, withCacheContext } from '../cache-context.js';

// The Node glue is core's (`@routecache/core/node`: it needs `node:http` at run time, so it
// stays out of `@routecache/core/adapter`, which edge bundles load), re-exported where tRPC
// apps look for it.
export type { CdnName, HttpCacheOptions } from '@routecache/core/adapter';
export { withNodeHttpCache } from '@routecache/core/node';

/**
 * `createHTTPServer` of `@trpc/server/adapters/standalone`, with routecache's glue built in:
 * `createContext` is wrapped in `withCacheContext` and the handler in `withNodeHttpCache`. The
 * options are tRPC's own, `httpOptions` the glue's (`{ cdn }`); the server is not listening yet.
 *
 * @example
 * ```ts
 * import { createCachedHTTPServer } from '@routecache/trpc/node';
 *
 * createCachedHTTPServer({ router: appRouter, createContext }).listen(3000);
 * createCachedHTTPServer({ router: appRouter, createContext }, { cdn: 'varnish' }); // behind Varnish
 * ```
 */
export function createCachedHTTPServer<TRouter extends AnyTRPCRouter>(
  opts: CreateHTTPHandlerOptions<TRouter>,
  httpOptions?: HttpCacheOptions,
): Server {
  const createContext = withCacheContext(
    (opts.createContext ?? (() => ({}))) as (o: CreateContextOptionsLike) => MaybePromise<object>,
  );
  // tRPC types createContext by the router's context; withCacheContext returns that same context
  // plus its hidden state, so the options keep their type.
  const handler = createHTTPHandler({
    ...opts,
    createContext,
  } as CreateHTTPHandlerOptions<TRouter>);
  // The glue's response hooks as methods of the response class: no per-request patching.
  return createServer(
    { ServerResponse: CachedServerResponse },
    withNodeHttpCache(handler, httpOptions),
  );
}
