/**
 * The tRPC route handler. `withHttpCache` wraps the fetch handler so responses carry X-Cache,
 * ETag, Vary and Cache-Control, and a matching `If-None-Match` gets a 304; `withCacheContext`
 * on `createContext` is how each call reports to it.
 *
 * `vary: ['accept-encoding']`: Next.js compresses responses after the handler and adds
 * `Accept-Encoding` to a JSON 200's Vary, but not to a 304's (it has no body to compress);
 * naming it here puts it on both, so a 304 repeats its 200's Vary (RFC 9110 §15.4.5).
 */
import { withCacheContext, withHttpCache } from '@routecache/trpc';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../../../../src/server/router';

const handler = withHttpCache(
  (req: Request) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: withCacheContext(),
    }),
  { vary: ['accept-encoding'] },
);

export { handler as GET, handler as POST };
