import { ConfigurationError } from '@routecache/core';
import { type CallBinding, warnOnce } from '@routecache/core/adapter';
import { type MiddlewareResult, middlewareMarker } from '@trpc/server/unstable-core-do-not-import';
import type { CacheMiddlewareCallOptions } from './middleware.js';
import { refuseRawInput } from './placement.js';

type Call = CacheMiddlewareCallOptions<unknown, unknown>;
type Result = MiddlewareResult<object>;

/**
 * The `@trpc/server` versions the adapter works with (its `peerDependencies`): 11.10 is the
 * first to hand middlewares `batchIndex`, which a call's HTTP record is filed under.
 */
const SUPPORTED_TRPC_SERVER = '^11.10.0';

/**
 * tRPC's side of core's cache step: the middleware options are the call as they are; the rest
 * of the chain runs through `opts.next` with the raw input refused (nothing after the cache may
 * read it: the result would depend on what the key never saw); results are tRPC's
 * `MiddlewareResult`, a failed one passed back untouched.
 *
 * @internal
 * @example
 * ```ts
 * const route = new CachedCall(cache, resolved, principalOf, transport, trpcBinding);
 * ```
 */
export const trpcBinding: CallBinding<Call, Result> = {
  async next(call, ctx) {
    const result = await call.next({ ctx, getRawInput: refuseRawInput(call.path) });
    return result.ok ? { ok: true, value: result.data } : { ok: false, failure: result };
  },
  served: (_call, data) => ({ ok: true, data, marker: middlewareMarker }),
  failed: (_call, failure) => failure as Result,
  publicFailure(call, failure) {
    // A rejection for who the caller is, from below the cache of a public route: the check runs
    // on a miss only, so a hit serves the entry to a caller it would have rejected.
    const { code } = (failure as Extract<Result, { ok: false }>).error;
    if (code !== 'UNAUTHORIZED' && code !== 'FORBIDDEN') return;
    warnOnce(
      'ROUTECACHE_AUTH_BELOW_CACHE',
      `"${call.path}" was rejected with ${code} below its cache: the check runs on a miss only, so a hit skips it for the next caller; move .use(cacheMiddleware(…)) after the auth middleware, or declare scope: 'private'`,
      call.path,
    );
  },
  assertUsable(call) {
    if (typeof call.batchIndex !== 'number') {
      // Older tRPC: every record would be filed under `undefined` and every cache header lost.
      throw new ConfigurationError(
        `cacheMiddleware on "${call.path}" needs @trpc/server ${SUPPORTED_TRPC_SERVER}: this tRPC passes middlewares no batchIndex, so no cache header could be sent; upgrade @trpc/server`,
        { context: { path: call.path, required: SUPPORTED_TRPC_SERVER } },
      );
    }
    if (call.type !== 'query') {
      throw new ConfigurationError(
        `cacheMiddleware caches queries only; "${call.path}" is a ${call.type}`,
        { context: { path: call.path, type: call.type } },
      );
    }
  },
  glue: 'withCacheContext(createContext) on the context and withHttpCache / withNodeHttpCache on the handler (or createCachedHTTPServer)',
};
