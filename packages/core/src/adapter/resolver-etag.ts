import { ConfigurationError } from '../errors.js';
import { isValidEtag } from '../http/index.js';
import { warnOnce } from '../warn.js';
import type { RequestCacheState } from './request-state.js';

/**
 * An entity-tag as HTTP writes it (RFC 9110 §8.8.3): a quoted opaque tag, `W/`-prefixed when
 * weak.
 *
 * @example
 * ```ts
 * const tag: EntityTag = `W/"${post.revision}"`;
 * ```
 */
export type EntityTag = `"${string}"` | `W/"${string}"`;

// Registered, so it survives tRPC's ctx spreading like the request state's own symbol.
const ETAG_SINK = Symbol.for('routecache.trpc.etagSink');

type EtagSink = (etag: string) => void;

/**
 * Give the result a resolver of a cached procedure is computing its own ETag (a revision, a
 * version column) instead of the hash routecache computes from the stored bytes. The tag is
 * stored with the entry, sent on the miss, on every hit and on a `304`, and `If-None-Match` is
 * matched against it (weak comparison). It applies to this call only, batched or not; a call the
 * cache serves uncached (`BYPASS`) ignores it.
 *
 * Setting `ETag` on the response directly (fetch: `resHeaders.set`, Node: `res.setHeader`) is
 * kept the same way for a request of one call; in a batch the response header belongs to no
 * single call, so use `setETag` there.
 *
 * @throws {ConfigurationError} when `tag` is not an entity-tag, or when `ctx` is not the context
 *   of a resolver running below a cache middleware.
 * @example
 * ```ts
 * import { setETag } from '@routecache/trpc';
 *
 * post: t.procedure
 *   .input(z.object({ id: z.string() }))
 *   .use(cacheMiddleware({ scope: 'public' }))
 *   .query(async ({ ctx, input }) => {
 *     const post = await db.posts.get(input.id);
 *     setETag(ctx, `W/"${post.revision}"`);
 *     return post;
 *   }),
 * ```
 */
export function setETag(ctx: object, tag: EntityTag): void {
  const sink = (ctx as Record<symbol, unknown>)[ETAG_SINK];
  if (typeof sink !== 'function') {
    throw new ConfigurationError(
      'setETag(ctx, tag) sets the ETag of a cached result: call it in the resolver of a procedure that uses cacheMiddleware(…), with the ctx the resolver received',
    );
  }
  if (typeof tag !== 'string' || !isValidEtag(tag)) {
    throw new ConfigurationError(
      `setETag(ctx, tag) needs an entity-tag such as "v1" or W/"v1", got ${JSON.stringify(tag)}`,
      { context: { tag } },
    );
  }
  (sink as EtagSink)(tag);
}

/**
 * The context addition through which {@link setETag} reaches the call the cache middleware is
 * filling.
 *
 * @internal
 * @example
 * ```ts
 * let own: string | undefined;
 * opts.next({ ctx: etagSinkContext((tag) => { own = tag; }) });
 * ```
 */
export function etagSinkContext(sink: EtagSink): object {
  return { [ETAG_SINK]: sink };
}

/**
 * The ETag a resolver set on the response itself, for a request of a single call (a batch's
 * response header belongs to none of its calls). An invalid one is not kept: it could never be
 * matched reliably, so the computed tag replaces it, with one warning.
 *
 * @internal
 * @example
 * ```ts
 * const etag = ownEtag ?? responseEtag(state);
 * ```
 */
export function responseEtag(state: RequestCacheState | undefined): string | undefined {
  if (state === undefined || state.callCount !== 1) return undefined;
  const etag = state.responseHeaders?.get('etag') ?? null;
  if (etag === null) return undefined;
  if (isValidEtag(etag)) return etag;
  warnOnce(
    'ROUTECACHE_INVALID_ETAG',
    `A resolver set ETag ${JSON.stringify(etag)}, which is not an entity-tag ("v1" or W/"v1"); the computed tag replaces it`,
  );
  return undefined;
}
