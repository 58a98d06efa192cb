import {
  type CallCachePolicy,
  combineEtags,
  etagMatches,
  mergeVary,
  parseCacheControl,
  strictestCacheControl,
} from '../http/index.js';
import { cacheStatus } from './cache-status.js';
import { type CdnHeaders, cdnHeaders, surrogateKeysOf } from './cdn.js';
import type { CallRecord, HeaderReader, RequestCacheState } from './request-state.js';
import {
  type CallTags,
  encodeCallTags,
  encodeInvalidation,
  INVALIDATE_HEADER,
  TAGS_HEADER,
} from './wire-headers.js';

/**
 * The cache headers of one response, lower-case names.
 *
 * @internal
 * @example
 * ```ts
 * const headers: CacheHeaders = { 'x-cache': 'HIT', 'cache-control': 'no-cache', etag: '"a"' };
 * ```
 */
export interface CacheHeaders extends CdnHeaders {
  'x-cache': string;
  'cache-status': string;
  'cache-control': string;
  etag?: string;
  vary?: string;
}

/**
 * Fold the per-call records of one (possibly batched) response into its cache headers.
 *
 * - `X-Cache`: each call's status in batch order, `, `-separated; a call no cache middleware
 *   handled (an uncached procedure in a mixed batch) shows as `BYPASS`.
 * - `ETag`: `combineEtags` of every call's tag — only when each call has one.
 * - `Cache-Control`: `strictestCacheControl` over the calls and whatever `Cache-Control` the
 *   response already carries (a `responseMeta` or resolver may be stricter); uncached calls
 *   count as `no-store`, and a `Set-Cookie` makes the response `private`.
 * - `Vary`: the response's `Vary` (tRPC's `trpc-accept, accept`, say) merged with every call's
 *   `vary` names and the glue's `vary` option, lower-cased and de-duplicated.
 * - `Cache-Status` (RFC 9211): one `routecache` member for the response (`cacheStatus`).
 * - `CDN-Cache-Control` / `Surrogate-Control`: `strictestCdnCacheControl` when a call set
 *   `sMaxAge`; with a `cdn`, the union of the calls' surrogate keys in its header when every
 *   call is shared-cacheable. Keys past `MAX_SURROGATE_HEADER_LENGTH` keep the response out of
 *   the CDN (`no-store`, no `s-maxage`) rather than send a list a purge would miss.
 *
 * @returns `undefined` when no call of the response went through a cache middleware — the
 *   response then keeps its headers untouched.
 * @example
 * ```ts
 * foldCacheHeaders(state, response.headers);
 * // { 'x-cache': 'HIT, MISS', etag: '"…"', 'cache-control': 'no-cache', vary: 'trpc-accept, accept' }
 * ```
 */
export function foldCacheHeaders(
  state: RequestCacheState,
  response: HeaderReader,
): CacheHeaders | undefined {
  const calls: (CallRecord | undefined)[] = [];
  for (let index = 0; index < state.callCount; index++) calls.push(state.calls[index]);
  if (calls.every((call) => call === undefined)) return undefined;

  const policies: CallCachePolicy[] = calls.map((call) => call ?? UNCACHED);
  const existing = response.get('cache-control');
  if (existing !== null) policies.push(policyOf(existing));
  // A cookie is meant for this client only: shared caches must not keep the response with it.
  if (response.get('set-cookie') !== null) policies.push(PRIVATE);
  const keys = state.cdn === undefined ? undefined : surrogateKeysOf(calls, state.cdn);
  // Keys that do not fit: no shared cache may keep the response, s-maxage included.
  const shared = keys === 'overflow' ? policies.map(withoutSharedLifetime) : policies;

  const headers: CacheHeaders = {
    'x-cache': calls.map((call) => call?.status ?? 'BYPASS').join(', '),
    'cache-status': cacheStatus(calls),
    'cache-control': strictestCacheControl(shared),
    ...cdnHeaders(calls, shared, state.cdn, keys),
  };
  const etag = combineEtags(calls.map((call) => call?.etag));
  if (etag !== undefined) headers.etag = etag;
  const vary = mergeVary(response.get('vary'), ...calls.map((call) => call?.vary), state.extraVary);
  if (vary !== undefined) headers.vary = vary;
  return headers;
}

/**
 * The client-facing headers of one response (format in `wire/headers.ts`), lower-case names.
 *
 * @internal
 * @example
 * ```ts
 * const headers: WireHeaders = { 'routecache-tags': '1;[["users.get",["users"]]]' };
 * ```
 */
export type WireHeaders = Partial<Record<typeof TAGS_HEADER | typeof INVALIDATE_HEADER, string>>;

/**
 * Fold the request's records into the headers routecache's client links read:
 *
 * - `Routecache-Tags`: each call a cache middleware served, in batch order, with its declared
 *   tags (no implicit `@` path tags: a client matches paths itself).
 * - `Routecache-Invalidate`: the union of what the request's successful mutations invalidated
 *   (an `invalidates` declaration records only after its mutation succeeded, so a failed one
 *   adds nothing), duplicates removed.
 *
 * @internal
 * @returns `undefined` when there is neither.
 * @example
 * ```ts
 * foldWireHeaders(state); // { 'routecache-invalidate': '1;{"calls":[],"paths":["users"],"tags":[]}' }
 * ```
 */
export function foldWireHeaders(state: RequestCacheState): WireHeaders | undefined {
  const tagged: CallTags[] = [];
  const calls = new Map<string, readonly [string, unknown]>();
  const paths: string[] = [];
  const tags: string[] = [];
  let invalidated = false;
  for (let index = 0; index < state.callCount; index++) {
    const call = state.calls[index];
    if (call !== undefined) tagged.push([call.path, call.tags]);
    const invalidation = state.invalidations[index];
    if (invalidation === undefined) continue;
    invalidated = true;
    for (const entry of invalidation.calls) calls.set(JSON.stringify(entry), entry);
    paths.push(...invalidation.paths);
    tags.push(...invalidation.tags);
  }
  if (tagged.length === 0 && !invalidated) return undefined;
  const headers: WireHeaders = {};
  if (tagged.length > 0) headers[TAGS_HEADER] = encodeCallTags(tagged);
  if (invalidated) {
    headers[INVALIDATE_HEADER] = encodeInvalidation({ calls: [...calls.values()], paths, tags });
  }
  return headers;
}

/**
 * Whether a response may be answered with `304 Not Modified` (RFC 9110 §13.1.2, §15.4.5): a
 * successful GET whose `If-None-Match` matches the response's ETag (weak comparison, lists, `*`).
 *
 * @example
 * ```ts
 * isNotModified('GET', 200, 'W/"a"', '"a"'); // true
 * isNotModified('POST', 200, '"a"', '"a"');  // false
 * ```
 */
export function isNotModified(
  method: string | undefined,
  status: number,
  ifNoneMatch: string | null | undefined,
  etag: string | undefined,
): boolean {
  return method === 'GET' && status === 200 && etagMatches(ifNoneMatch, etag);
}

/**
 * What the glue does to one finished response: the headers to set (cache and wire headers,
 * lower-case names) and whether to answer `304 Not Modified` instead (an empty body, the
 * {@link OMITTED_304_HEADERS} removed). Every HTTP glue — the fetch and Node wrappers, an
 * adapter's own handler hook — applies this one answer, so they cannot differ.
 *
 * @example
 * ```ts
 * const answer: ResponseAnswer = { headers: { 'x-cache': 'HIT', etag: '"a"' }, notModified: true };
 * ```
 */
export interface ResponseAnswer {
  readonly headers: Readonly<Record<string, string>>;
  readonly notModified: boolean;
}

/**
 * Fold a request's records into the answer for its response: `undefined` when the response is
 * streamed (`state.streamed`) or no call of it went through the cache and nothing was
 * invalidated — the response then goes out untouched. `notModified` only for a GET whose
 * `If-None-Match` matches the folded ETag, on a 200 (see {@link isNotModified}).
 *
 * @param response what the fold reads the response's own headers from (`Cache-Control`,
 *   `Set-Cookie`, `Vary` set by the handler or a resolver).
 * @example
 * ```ts
 * const answer = answerResponse(state, req.method, 200, req.headers.get('if-none-match'), res.headers);
 * if (answer?.notModified) return new Response(null, { status: 304, headers: answer.headers });
 * ```
 */
export function answerResponse(
  state: RequestCacheState,
  method: string | undefined,
  status: number,
  ifNoneMatch: string | null | undefined,
  response: HeaderReader,
): ResponseAnswer | undefined {
  if (state.streamed) return undefined;
  const cacheHeaders = foldCacheHeaders(state, response);
  const wireHeaders = foldWireHeaders(state);
  if (cacheHeaders === undefined && wireHeaders === undefined) return undefined;
  return {
    headers: { ...cacheHeaders, ...wireHeaders },
    notModified:
      cacheHeaders !== undefined && isNotModified(method, status, ifNoneMatch, cacheHeaders.etag),
  };
}

const UNCACHED: CallCachePolicy = { cacheable: false, scope: 'public', maxAge: undefined };
const PRIVATE: CallCachePolicy = { cacheable: true, scope: 'private', maxAge: undefined };

function withoutSharedLifetime(policy: CallCachePolicy): CallCachePolicy {
  return { ...policy, sMaxAge: undefined };
}

function policyOf(cacheControl: string): CallCachePolicy {
  const directives = parseCacheControl(cacheControl);
  return {
    cacheable: !directives.noStore,
    scope: directives.private ? 'private' : 'public',
    maxAge: directives.noCache ? undefined : directives.maxAge,
    sMaxAge: directives.sMaxAge,
    staleWhileRevalidate: directives.staleWhileRevalidate,
  };
}
