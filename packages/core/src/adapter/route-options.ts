import { InvalidOptionError } from '../errors.js';
import { normalizeVaryOption } from '../http/index.js';
import { validateNamespace } from '../keying/index.js';
import {
  type NumberRule,
  numberOption,
  optionKeys,
  optionsObject,
  received,
} from '../options/validate.js';
import { assertUserTag } from './path-tags.js';

/**
 * What a route's `key` and `tags` functions receive.
 *
 * @example
 * ```ts
 * cacheMiddleware({ key: ({ input, ctx, path }) => `${ctx.tenant}:${path}:${input.id}` });
 * ```
 */
export interface RouteKeyArgs<TInput, TCtx> {
  /** The parsed input (what the `.input()` validators produced). */
  input: TInput;
  /** The context as the middlewares before the cache left it. */
  ctx: TCtx;
  /** The procedure path, e.g. `users.get`. */
  path: string;
}

/**
 * Per-procedure options of `cacheMiddleware(options)`. Validated once, when `cacheMiddleware` is
 * called (a bad option throws `InvalidOptionError` naming it), never per request.
 *
 * `TInput` and `TCtx` are inferred from the procedure the middleware is passed to, so `key` and
 * `tags` functions see the parsed input and the context without annotations.
 *
 * @example
 * ```ts
 * t.procedure
 *   .input(z.object({ id: z.string() }))
 *   .use(cacheMiddleware({ ttl: 60, tags: ({ input }) => [`user:${input.id}`], vary: ['accept-language'] }))
 *   .query(({ input }) => db.users.get(input.id));
 * ```
 */
export interface CacheMiddlewareOptions<TInput = unknown, TCtx = unknown> {
  /** Seconds an entry stays fresh. @default the cache's `ttl` */
  ttl?: number;
  /** This route's namespace, combined with the cache's root namespace by its `namespacePolicy`. */
  namespace?: string;
  /**
   * A custom base key replacing "procedure path + canonical parsed input". It must include
   * everything the result depends on (except `vary` headers and the private principal, which
   * are added as the variant). Codegen and `getCachedRoute` call this same function.
   * @default procedure path + canonical parsed input
   */
  key?: (args: RouteKeyArgs<TInput, TCtx>) => string;
  /**
   * Request header names the result depends on; each distinct combination of values is its own
   * entry (all dropped together by one invalidation). Sent back in the `Vary` response header.
   * `'*'` is rejected: a response that varies on everything must not be cached.
   * @default []
   */
  vary?: readonly string[];
  /** Tags for `cache.invalidateTags`: a static list (readable by codegen) or a function. */
  tags?:
    | readonly string[]
    | ((args: Omit<RouteKeyArgs<TInput, TCtx>, 'path'>) => readonly string[]);
  /**
   * `'private'`: one entry per principal (from the `principal` function given to
   * `createCacheMiddleware`, hashed); a call without a principal bypasses the cache.
   * `'public'`: one entry shared by every caller allowed past the middlewares before the cache.
   * Undeclared: private for a call whose `principal` returns one, shared for a call without
   * (and for every call when the setup has no `principal` function).
   * @default private per principal when there is one, else shared
   */
  scope?: 'public' | 'private';
  /** Seconds after `ttl` during which a stale value is served while one refresh runs. @default the cache's */
  staleWhileRevalidate?: number;
  /** Seconds after `ttl` during which a stale value is served when the resolver fails. @default the cache's */
  staleIfError?: number;
  /**
   * Opt-in `Cache-Control: max-age` (seconds, capped by the entry's remaining freshness) that lets
   * browsers reuse the response without asking. @default undefined (`no-cache`: revalidate each time)
   */
  maxAge?: number;
  /** Opt-in `s-maxage` for shared caches (CDNs); public routes only. @default undefined */
  sMaxAge?: number;
  /** Bounds on buffering a streamed (async iterable) result for storage. */
  stream?: StreamCacheLimits;
}

/**
 * Bounds on buffering a streamed result. Past either bound the stream keeps flowing to the
 * client, buffering stops and nothing is stored.
 *
 * @example
 * ```ts
 * cacheMiddleware({ stream: { maxChunks: 500, maxBytes: 256 * 1024 } });
 * ```
 */
export interface StreamCacheLimits {
  /** Most chunks buffered. @default 10_000 */
  maxChunks?: number;
  /** Most bytes buffered, measured on the JSON text of each chunk. @default 1_048_576 (1 MiB) */
  maxBytes?: number;
}

/**
 * Default {@link StreamCacheLimits.maxChunks}.
 *
 * @example
 * ```ts
 * cacheMiddleware({ stream: { maxChunks: DEFAULT_STREAM_MAX_CHUNKS * 2 } });
 * ```
 */
export const DEFAULT_STREAM_MAX_CHUNKS = 10_000;
/**
 * Default {@link StreamCacheLimits.maxBytes}: 1 MiB.
 *
 * @example
 * ```ts
 * cacheMiddleware({ stream: { maxBytes: DEFAULT_STREAM_MAX_BYTES / 4 } });
 * ```
 */
export const DEFAULT_STREAM_MAX_BYTES = 1_048_576;

/**
 * Options given once to `createCacheMiddleware`, shared by every route it makes.
 *
 * @example
 * ```ts
 * const cacheMiddleware = createCacheMiddleware(cache, { principal: (ctx) => ctx.user?.id });
 * ```
 */
export interface CacheSetup<TCtx = never> {
  /**
   * The identity entries are keyed by (a user id, a session id…): a non-empty string or a
   * finite number (`42` and `'42'` are one principal), hashed before it reaches a key.
   * `undefined`, `null` and `''` mean anonymous: a `scope: 'private'` route then bypasses the
   * cache, a route without `scope` is shared. A route without `scope` called with a principal
   * is private to it: sharing across users takes `scope: 'public'`. Any other value (an object,
   * an array, a boolean, `NaN`) fails the call with a `ConfigurationError` naming the route and
   * the type: it would otherwise become one key shared by every user.
   */
  principal?: (ctx: TCtx) => string | number | null | undefined;
  /**
   * What a call that carries no cache context (no `withCacheContext` on its `createContext`) is.
   * `'http'`: an HTTP call whose glue is missing — served uncached, since the cache cannot see
   * the `Set-Cookie` its response may carry. `'server'`: a server-side call (`createCaller`,
   * React Server Components) — cached; response headers it sets are not seen. Calls made with
   * the context are HTTP calls either way.
   * @default inferred per call: with a `signal` (tRPC's HTTP adapters always pass one) `'http'`,
   *   without one `'server'`
   */
  transport?: 'http' | 'server';
}

/**
 * A route's options after validation: frozen, `vary` normalized, static `tags` copied into a
 * frozen list. What `CACHE_MIDDLEWARE` markers and {@link CachedRoute} expose.
 *
 * @example
 * ```ts
 * getCachedRoute(router, 'posts.get')?.options.tags; // ['posts']
 * ```
 */
export interface ResolvedRouteOptions {
  readonly ttl: number | undefined;
  readonly namespace: string | undefined;
  readonly key: ((args: RouteKeyArgs<unknown, unknown>) => string) | undefined;
  readonly vary: readonly string[];
  readonly tags:
    | readonly string[]
    | ((args: Omit<RouteKeyArgs<unknown, unknown>, 'path'>) => readonly string[])
    | undefined;
  /** `undefined` when the route did not declare one: private for a call with a principal, else shared. */
  readonly scope: 'public' | 'private' | undefined;
  readonly staleWhileRevalidate: number | undefined;
  readonly staleIfError: number | undefined;
  readonly maxAge: number | undefined;
  readonly sMaxAge: number | undefined;
  readonly stream: Readonly<Required<StreamCacheLimits>>;
}

/**
 * Validate a route's options once and resolve defaults.
 *
 * @throws {InvalidOptionError} naming the first bad option.
 * @internal
 * @example
 * ```ts
 * resolveRouteOptions({ vary: ['Accept-Language'] }, {}).vary; // ['accept-language']
 * ```
 */
export function resolveRouteOptions(
  options: CacheMiddlewareOptions<never, never>,
  setup: CacheSetup<never>,
): ResolvedRouteOptions {
  optionsObject(options, ROUTE_OPTIONS);
  const scope = options.scope;
  if (scope !== undefined && scope !== 'public' && scope !== 'private') {
    throw new InvalidOptionError('scope', `must be 'public' or 'private', ${received(scope)}`);
  }
  if (scope === 'private' && setup.principal === undefined) {
    throw new InvalidOptionError(
      'scope',
      "'private' needs a principal: pass createCacheMiddleware(cache, { principal: (ctx) => … })",
    );
  }
  if (options.sMaxAge !== undefined && scope === 'private') {
    throw new InvalidOptionError('sMaxAge', 'a private route cannot be stored by shared caches');
  }
  if (options.sMaxAge !== undefined && scope === undefined && setup.principal !== undefined) {
    throw new InvalidOptionError(
      'sMaxAge',
      "shared caches need scope: 'public' (with a principal function, a route without scope is private per principal)",
    );
  }
  const key = options.key as ResolvedRouteOptions['key'];
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidOptionError(
      'key',
      `must be a function ({ input, ctx, path }) => string, ${received(key)}`,
    );
  }
  const stream = optionsObject(options.stream ?? {}, STREAM_OPTIONS, 'stream');
  return Object.freeze({
    ttl: numberOption('ttl', options.ttl, TTL),
    namespace: validateNamespace(options.namespace, 'namespace'),
    key,
    vary: normalizeVaryOption(options.vary ?? [], 'vary'),
    tags: tags(options.tags as ResolvedRouteOptions['tags']),
    scope,
    staleWhileRevalidate: numberOption(
      'staleWhileRevalidate',
      options.staleWhileRevalidate,
      SECONDS,
    ),
    staleIfError: numberOption('staleIfError', options.staleIfError, SECONDS),
    maxAge: numberOption('maxAge', options.maxAge, SECONDS),
    sMaxAge: numberOption('sMaxAge', options.sMaxAge, SECONDS),
    stream: Object.freeze({
      maxChunks:
        numberOption('stream.maxChunks', stream.maxChunks, COUNT) ?? DEFAULT_STREAM_MAX_CHUNKS,
      maxBytes:
        numberOption('stream.maxBytes', stream.maxBytes, { ...COUNT, unit: 'bytes' }) ??
        DEFAULT_STREAM_MAX_BYTES,
    }),
  });
}

/**
 * Validate the options given to `createCacheMiddleware` once.
 *
 * @throws {InvalidOptionError} naming the first bad or unknown option.
 * @internal
 * @example
 * ```ts
 * resolveSetup({ principal: (ctx: Ctx) => ctx.user?.id });
 * ```
 */
export function resolveSetup<TCtx>(setup: CacheSetup<TCtx>): CacheSetup<TCtx> {
  optionsObject(setup, SETUP_OPTIONS);
  if (setup.principal !== undefined && typeof setup.principal !== 'function') {
    throw new InvalidOptionError(
      'principal',
      `must be a function (ctx) => string | number | undefined, ${received(setup.principal)}`,
    );
  }
  const { transport } = setup;
  if (transport !== undefined && transport !== 'http' && transport !== 'server') {
    throw new InvalidOptionError('transport', `must be 'http' or 'server', ${received(transport)}`);
  }
  return setup;
}

const ROUTE_OPTIONS = optionKeys<CacheMiddlewareOptions>({
  ttl: true,
  namespace: true,
  key: true,
  vary: true,
  tags: true,
  scope: true,
  staleWhileRevalidate: true,
  staleIfError: true,
  maxAge: true,
  sMaxAge: true,
  stream: true,
});
const STREAM_OPTIONS = optionKeys<StreamCacheLimits>({ maxChunks: true, maxBytes: true });
const SETUP_OPTIONS = optionKeys<CacheSetup>({ principal: true, transport: true });
const TTL: NumberRule = { min: 0, aboveMin: true, unit: 'seconds' };
const SECONDS: NumberRule = { min: 0, unit: 'seconds' };
const COUNT: NumberRule = { min: 1, integer: true };

function tags(value: ResolvedRouteOptions['tags']): ResolvedRouteOptions['tags'] {
  if (value === undefined || typeof value === 'function') return value;
  if (!Array.isArray(value)) {
    throw new InvalidOptionError(
      'tags',
      `must be an array of strings or a function, ${received(value)}`,
    );
  }
  value.forEach((tag: unknown, index) => {
    if (typeof tag !== 'string' || tag.length === 0) {
      throw new InvalidOptionError(
        'tags',
        `tags[${index}] must be a non-empty string, ${received(tag)}`,
        {
          context: { index, tag },
        },
      );
    }
    assertUserTag(tag, 'cacheMiddleware({ tags })');
  });
  // A frozen copy: codegen reads the literal list, and later mutation must not change keys.
  return Object.freeze([...value]);
}
