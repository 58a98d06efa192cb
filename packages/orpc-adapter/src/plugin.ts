import type { Context } from '@orpc/server';
import type {
  StandardHandleResult,
  StandardHandlerOptions,
  StandardHandlerPlugin,
} from '@orpc/server/standard';
import {
  answerResponse,
  applyHttpGlue,
  contextWithState,
  type HeaderReader,
  type HttpCacheOptions,
  headerReader,
  OMITTED_304_HEADERS,
  RequestCacheState,
  requestHeaderReader,
  resolveHttpCacheOptions,
} from '@routecache/core/adapter';

type Answered = Extract<StandardHandleResult, { matched: true }>;
type Headers_ = Answered['response']['headers'];

/**
 * routecache's HTTP glue for oRPC: a handler plugin, so it serves the fetch and the Node
 * `RPCHandler` (and `OpenAPIHandler`) alike. Each request gets routecache's context (how the
 * cache middleware sees the request headers for `vary`, the response headers a resolver set for
 * `Set-Cookie`, and reports each call), and its response the cache headers core folds:
 * `X-Cache`, `Cache-Status`, `ETag`, `Cache-Control`, `Vary`, the CDN headers; a GET whose
 * `If-None-Match` matches is answered `304 Not Modified` with no body (the headers describing
 * the body dropped). `options` are the other glues' (`cdn`, `vary`).
 *
 * Batches (`BatchHandlerPlugin`): oRPC answers each call of a batch with its own status and
 * headers inside the batch body, so each call gets its own cache headers and is never turned
 * into a 304 (the batch's `If-None-Match` is no call's); the batch response itself is left as
 * oRPC makes it. Headers set through `ResponseHeadersPlugin`'s `context.resHeaders` count, in
 * either plugin order.
 *
 * @throws {InvalidOptionError} for an unknown option or `cdn`, or a `vary` that is not a list of
 *   header names.
 * @example
 * ```ts
 * import { RPCHandler } from '@orpc/server/fetch'; // or '@orpc/server/node'
 * import { BatchHandlerPlugin } from '@orpc/server/plugins';
 * import { CachePlugin } from '@routecache/orpc';
 *
 * const handler = new RPCHandler(router, { plugins: [new CachePlugin(), new BatchHandlerPlugin()] });
 * // behind Varnish with vmod xkey: new CachePlugin({ cdn: 'varnish' })
 * ```
 */
export class CachePlugin<T extends Context> implements StandardHandlerPlugin<T> {
  private readonly glue: ReturnType<typeof resolveHttpCacheOptions>;

  constructor(options?: HttpCacheOptions) {
    this.glue = resolveHttpCacheOptions(options);
  }

  init(options: StandardHandlerOptions<T>): void {
    options.rootInterceptors ??= [];
    options.rootInterceptors.push(async (interceptor) => {
      const { request } = interceptor;
      const state = new RequestCacheState();
      applyHttpGlue(state, this.glue);
      state.requestHeaders = requestHeaderReader(request.headers);
      // The Headers ResponseHeadersPlugin hands resolvers: made here when it runs after us.
      const given = (interceptor.context as { resHeaders?: unknown }).resHeaders;
      const resHeaders = given instanceof Headers ? given : new Headers();
      state.responseHeaders = resHeaders;
      const context = contextWithState({ ...interceptor.context, resHeaders }, state);
      const result = await interceptor.next({ ...interceptor, context });
      if (!result.matched) return result;
      return { ...result, response: answered(state, request, result.response, resHeaders) };
    });
  }
}

/** The response with the cache headers `state` folds to, or the 304 standing for it. */
function answered(
  state: RequestCacheState,
  request: { method: string; headers: Headers_ },
  response: Answered['response'],
  resHeaders: Headers,
): Answered['response'] {
  const own = headerReader(response.headers) as HeaderReader;
  const reader: HeaderReader = { get: (name) => own.get(name) ?? resHeaders.get(name) };
  const inBatch = request.headers['x-orpc-batch'] !== undefined;
  const ifNoneMatch = inBatch ? undefined : state.requestHeaders?.get('if-none-match');
  const answer = answerResponse(state, request.method, response.status, ifNoneMatch, reader);
  if (answer === undefined) return response;
  const headers: Headers_ = { ...response.headers, ...answer.headers };
  if (!answer.notModified) return { ...response, headers };
  for (const name of OMITTED_304_HEADERS) delete headers[name];
  return { status: 304, headers, body: undefined };
}
