import {
  type Cache,
  ConfigurationError,
  deriveVariant,
  type EntryPolicy,
  isCacheableResponse,
  KeyError,
  type LoadRequest,
  type LoadResult,
  type StreamRecord,
  warnOnce,
} from '@routecache/core';
import { type MiddlewareResult, middlewareMarker } from '@trpc/server/unstable-core-do-not-import';
import { isStreamedRequest } from './http/fold.js';
import type { CacheMiddlewareCallOptions } from './middleware.js';
import type { ResolvedRouteOptions } from './options.js';
import { type CallRecord, type RequestCacheState, requestStateOf } from './request-state.js';
import { routeBaseKey, routeTags } from './route-key.js';
import { isAsyncIterable, replayStream, teeIntoFill } from './stream.js';

type LookupRequest = Parameters<Cache['lookup']>[0];

const NO_VARY: readonly (readonly [string, string | undefined])[] = [];

function ok(data: unknown): MiddlewareResult<object> {
  return { ok: true, data, marker: middlewareMarker };
}

/** The call's base key, or the {@link KeyError} that says why its input cannot be keyed. */
function baseKeyOrUnkeyable(
  cache: Cache,
  options: ResolvedRouteOptions,
  opts: CacheMiddlewareCallOptions<unknown, unknown>,
): string | KeyError {
  try {
    return routeBaseKey(cache, options, opts.path, opts.input, opts.ctx);
  } catch (error) {
    if (error instanceof KeyError) return error;
    throw error;
  }
}

/** A miss whose resolver failed: its tRPC result travels through the cache untouched. */
class FailedCall {
  constructor(readonly result: MiddlewareResult<object>) {}
}

/** A resolver returned a stream: the first caller that takes it buffers it into the cache. */
class StreamHandoff {
  #stream: AsyncIterable<unknown, unknown> | undefined;
  constructor(stream: AsyncIterable<unknown, unknown>) {
    this.#stream = stream;
  }
  take(): AsyncIterable<unknown, unknown> | undefined {
    const stream = this.#stream;
    this.#stream = undefined;
    return stream;
  }
}

/**
 * What the cache middleware does on each call; one instance per `cacheMiddleware(options)`.
 *
 * A query goes through `cache.getOrLoad` (single-flight, stale serving, fail-open). Its loader
 * runs the rest of the chain (`next()`); a failed result is thrown through the cache (never
 * stored) and returned as is. A stream cannot be stored by `getOrLoad`: it comes back as a
 * {@link StreamHandoff} and is teed into a `cache.lookup` fill. A result whose `kind` is
 * `'stream'` is replayed; any other value is served as is, whatever its shape.
 *
 * @internal
 * @example
 * ```ts
 * const call = new CachedCall(cache, resolveRouteOptions({ ttl: 60 }, {}), undefined);
 * const middleware = (opts) => call.run(opts);
 * ```
 */
export class CachedCall {
  /** The route's entry policy, resolved once. */
  private readonly policy: EntryPolicy;

  constructor(
    private readonly cache: Cache,
    private readonly options: ResolvedRouteOptions,
    private readonly principalOf: ((ctx: unknown) => string | undefined) | undefined,
  ) {
    const { ttl, staleWhileRevalidate, staleIfError } = options;
    this.policy = {
      ...(ttl === undefined ? {} : { ttl }),
      ...(staleWhileRevalidate === undefined ? {} : { staleWhileRevalidate }),
      ...(staleIfError === undefined ? {} : { staleIfError }),
    };
  }

  async run(opts: CacheMiddlewareCallOptions<unknown, unknown>): Promise<MiddlewareResult<object>> {
    const { options } = this;
    const state = requestStateOf(opts.ctx);
    this.assertUsable(opts, state);
    // Only a call without parsed input can be one placed before `.input()`: the others skip
    // reading the raw input (and an await) on every call.
    if (opts.input === undefined) await this.assertNoUnparsedInput(opts);
    // A public route never needs the principal; an undeclared scope reads it to warn.
    const principal = options.scope === 'public' ? undefined : this.principalOf?.(opts.ctx);
    const scope = options.scope ?? 'public';
    if (options.scope === undefined && principal !== undefined) {
      warnOnce(
        'ROUTECACHE_PRIVATE_WITHOUT_SCOPE',
        `"${opts.path}" is cached for everyone but its caller has a principal; declare scope: 'private' (per user) or scope: 'public'`,
        opts.path,
      );
    }
    if (scope === 'private' && principal === undefined) {
      // No one to key a private entry by: never share it, serve it uncached.
      const result = await opts.next();
      this.report(state, opts.batchIndex, 'BYPASS', undefined, 0, false);
      return result;
    }
    const baseKey = baseKeyOrUnkeyable(this.cache, options, opts);
    if (baseKey instanceof KeyError) {
      // Too deep, cyclic, too large, an unknown class: the call is served, only not cached.
      warnOnce(
        'ROUTECACHE_UNKEYABLE_INPUT',
        `"${opts.path}" was served uncached (BYPASS): ${baseKey.message}`,
        `${opts.path}\u0000${baseKey.reason}`,
      );
      const result = await opts.next();
      this.report(state, opts.batchIndex, 'BYPASS', undefined, 0, false);
      return result;
    }
    let ranResolver = false;
    // One object serves getOrLoad and, for a stream, lookup (which ignores the hooks).
    const request: LoadRequest<unknown> = {
      baseKey,
      variant: this.variantOf(state, scope === 'private' ? principal : undefined),
      tags: routeTags(options, opts.input, opts.ctx),
      load: async () => {
        ranResolver = true;
        const result = await opts.next();
        if (!result.ok) throw new FailedCall(result);
        return isAsyncIterable(result.data) ? new StreamHandoff(result.data) : result.data;
      },
      cacheable: (value) =>
        !(value instanceof StreamHandoff) && this.responseAllowsStoring(state, scope),
      // Spread last: with the spread first, V8 built this object on a slow path (measured about
      // 25% fewer hits per CPU second).
      ...this.policy,
    };

    let loaded: LoadResult<unknown>;
    try {
      loaded = await this.cache.getOrLoad(request);
    } catch (error) {
      if (error instanceof FailedCall) {
        // The resolver ran and failed (or a middleware after the cache rejected): nothing stored.
        this.report(state, opts.batchIndex, 'MISS', undefined, 0, false);
        return error.result;
      }
      // The cache itself failed before running this call's resolver: fail open, answer uncached.
      if (ranResolver) throw error;
      const result = await opts.next();
      this.report(state, opts.batchIndex, 'BYPASS', undefined, 0, false);
      return result;
    }

    const { value } = loaded;
    if (value instanceof StreamHandoff) {
      return this.serveStream(request, value, opts, state);
    }
    this.report(
      state,
      opts.batchIndex,
      loaded.status,
      loaded.etag,
      loaded.maxAge,
      loaded.etag !== undefined,
    );
    // The entry's kind, not the value's shape: a plain value may look like a stream record.
    return ok(loaded.kind === 'stream' ? replayStream(value as StreamRecord) : value);
  }

  /** The variant: the route's vary header values and the principal of a private route. */
  private variantOf(state: RequestCacheState | undefined, principal: string | undefined): string {
    const { vary } = this.options;
    // Most routes vary on nothing: no per-call list to build.
    if (vary.length === 0) return principal === undefined ? '' : deriveVariant(NO_VARY, principal);
    const headers = state?.requestHeaders;
    return deriveVariant(
      vary.map((name) => [name, headers?.get(name) ?? undefined] as const),
      principal,
    );
  }

  /**
   * Placements that cannot work, reported on the first call (a middleware cannot see its
   * procedure's type or chain before it runs).
   */
  private assertUsable(
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
  ): void {
    if (opts.type !== 'query') {
      throw new ConfigurationError(
        `cacheMiddleware caches queries only; "${opts.path}" is a ${opts.type}`,
        { context: { path: opts.path, type: opts.type } },
      );
    }
    if (this.options.vary.length > 0 && state?.requestHeaders === undefined) {
      throw new ConfigurationError(
        `"${opts.path}" varies on request headers, which need createContext: withCacheContext(createContext)`,
        { context: { path: opts.path, option: 'vary' } },
      );
    }
  }

  /** A call without parsed input that still carries raw input runs before `.input()`. */
  private async assertNoUnparsedInput(
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
  ): Promise<void> {
    if ((await opts.getRawInput()) !== undefined) {
      // Keying on the unparsed input would let undeclared fields multiply entries, and keying on
      // nothing would serve one input's result for another: refuse instead.
      throw new ConfigurationError(
        `cacheMiddleware on "${opts.path}" runs before .input(): place .use(cacheMiddleware(…)) after .input(…)`,
        { context: { path: opts.path } },
      );
    }
  }

  /**
   * A miss whose resolver returned a stream: tee it into a fill opened now — before the stream is
   * read, so an invalidation from here on keeps it out — and commit it when it completes.
   */
  private async serveStream(
    request: LookupRequest,
    handoff: StreamHandoff,
    opts: CacheMiddlewareCallOptions<unknown, unknown>,
    state: RequestCacheState | undefined,
  ): Promise<MiddlewareResult<object>> {
    // A stream has one reader: a caller coalesced onto another's stream runs its own.
    let stream = handoff.take();
    if (stream === undefined) {
      const own = await opts.next();
      if (!own.ok || !isAsyncIterable(own.data)) {
        this.report(state, opts.batchIndex, 'MISS', undefined, 0, false);
        return own;
      }
      stream = own.data;
    }
    // Headers of a streamed response are sent before it ends: it never carries an ETag.
    this.report(state, opts.batchIndex, 'MISS', undefined, 0, false);
    const headers = state?.requestHeaders;
    if (headers !== undefined && !isStreamedRequest(headers)) {
      // A non-streaming link (httpLink, httpBatchLink, wsLink): tRPC refuses the stream and never
      // reads it, so a fill opened for it would stay pending. Only a server-side caller (no
      // request) or a jsonl request (httpBatchStreamLink) reads a query's stream.
      return ok(stream);
    }
    const found = await this.cache.lookup(request);
    // Stored by someone else meanwhile: pass this stream through uncached.
    return ok(found.hit ? stream : teeIntoFill(stream, found.fill, this.options.stream));
  }

  /** Response headers a resolver set (`Set-Cookie`, `Vary: *`, `no-store`) can forbid storing. */
  private responseAllowsStoring(
    state: RequestCacheState | undefined,
    scope: 'public' | 'private',
  ): boolean {
    const headers = state?.responseHeaders;
    if (headers === undefined || isCacheableResponse(headers, { scope })) return true;
    if (headers.get('set-cookie') !== null) {
      warnOnce('ROUTECACHE_SET_COOKIE_NOT_CACHED', 'a response setting a cookie was not cached');
    }
    return false;
  }

  private report(
    state: RequestCacheState | undefined,
    batchIndex: number,
    status: CallRecord['status'],
    etag: string | undefined,
    freshness: number,
    cacheable: boolean,
  ): void {
    if (state === undefined) return;
    const { maxAge, sMaxAge, staleWhileRevalidate, scope, vary } = this.options;
    state.record(batchIndex, {
      status,
      etag,
      cacheable,
      scope: scope ?? 'public',
      maxAge: maxAge === undefined ? undefined : Math.min(maxAge, freshness),
      sMaxAge: sMaxAge === undefined ? undefined : Math.min(sMaxAge, freshness),
      staleWhileRevalidate,
      vary,
    });
  }
}
