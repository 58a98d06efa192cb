import {
  applyHttpGlue,
  cachedResponse,
  existingRequestState,
  type HeaderReader,
  type HttpCacheOptions,
  headerReader,
  mergeVary,
  nodeResponseHeaders,
  OMITTED_304_HEADERS,
  requestStateFor,
  resolveHttpCacheOptions,
} from '@routecache/core/adapter';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** A Fastify plugin in callback style, as `fastifyTRPCPlugin` is. */
type FastifyPluginCallbackLike = (
  instance: FastifyInstance,
  // `never`: any plugin's options type fits; the wrapper keeps the plugin's own signature.
  options: never,
  done: (error?: Error) => void,
) => void;

/**
 * Wrap `fastifyTRPCPlugin` of `@trpc/server/adapters/fastify` so the responses of the routes it
 * registers carry routecache's HTTP caching headers (`X-Cache`, `ETag`, `Vary`, `Cache-Control`)
 * and a GET whose `If-None-Match` matches gets `304 Not Modified` with an empty body. Register
 * the wrapped plugin exactly as the plugin itself, and pair it with `withCacheContext` on
 * `createContext`.
 *
 * tRPC's Fastify handler sends a Fetch `Response`; an `onSend` hook, scoped to the plugin's
 * routes, folds the headers onto it with the fetch glue's own step, before Fastify copies its
 * status and headers onto the reply. Headers a resolver set on the reply count: a `Set-Cookie`
 * keeps the call out of the cache and makes the response `private`, and a `Vary` merges with
 * tRPC's instead of being replaced by it. The 304 keeps the reply's other headers (a cookie
 * included) and drops those describing the omitted body. Streamed (jsonl) responses pass
 * untouched. Import from `@routecache/trpc/fastify` (`fastify` is an optional peer).
 * `options` are the other HTTP glues' (`cdn`, `vary`).
 *
 * @throws {InvalidOptionError} for an invalid option.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
 * import { withCacheContext } from '@routecache/trpc';
 * import { withFastifyHttpCache } from '@routecache/trpc/fastify';
 *
 * const app = Fastify();
 * await app.register(withFastifyHttpCache(fastifyTRPCPlugin), {
 *   prefix: '/trpc',
 *   trpcOptions: { router: appRouter, createContext: withCacheContext(createContext) },
 * });
 * ```
 */
export function withFastifyHttpCache<TPlugin extends FastifyPluginCallbackLike>(
  plugin: TPlugin,
  options?: HttpCacheOptions,
): TPlugin {
  const glue = resolveHttpCacheOptions(options);
  const cachedPlugin: FastifyPluginCallbackLike = function (
    this: unknown,
    instance,
    pluginOptions,
    done,
  ) {
    // The state withCacheContext finds for the request (tRPC hands it the FastifyRequest).
    instance.addHook('onRequest', async (request) => {
      applyHttpGlue(requestStateFor(request), glue);
    });
    instance.addHook('onSend', async (request, reply, payload) => {
      const state = existingRequestState(request);
      if (state === undefined || !(payload instanceof Response)) return payload;
      const requestHeaders = headerReader(request.headers) ?? NO_HEADERS;
      const response = await cachedResponse(
        state,
        request.method,
        requestHeaders,
        payload,
        replyView(reply, payload.headers),
      );
      if (response.status === 304) for (const name of OMITTED_304_HEADERS) reply.removeHeader(name);
      return response;
    });
    plugin.call(this, instance, pluginOptions, done);
  };
  return cachedPlugin as TPlugin;
}

/**
 * The headers Fastify will send: the `Response`'s replace the reply's (Fastify copies them with
 * `reply.header`), except `Vary`, whose names merge.
 */
function replyView(reply: FastifyReply, response: Headers): HeaderReader {
  const own = nodeResponseHeaders(reply) ?? NO_HEADERS;
  return {
    get: (name) => {
      if (name.toLowerCase() === 'vary') {
        return mergeVary(own.get('vary'), response.get('vary')) ?? null;
      }
      return response.get(name) ?? own.get(name);
    },
  };
}

const NO_HEADERS: HeaderReader = { get: () => null };
