import {
  type CallCachePolicy,
  combineEtags,
  etagMatches,
  mergeVary,
  parseCacheControl,
  strictestCacheControl,
  validEtag,
} from '../http/index.js';
import { cacheStatus } from './cache-status.js';
import { type CdnHeaders, cdnHeaders, surrogateKeysOf } from './cdn.js';
import type { CallRecord, HeaderReader, RequestCacheState } from './request-state.js';
import {
  type CallTags,
  encodeCallTags,
  encodeInvalidation,
  INVALIDATE_HEADER,
  type Invalidation,
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
export type CacheHeaders = CdnHeaders & {
  'x-cache': string;
  'cache-status': string;
  'cache-control': string;
  etag?: string;
  vary?: string;
};

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
  if (!hasRecords(state.calls, state.callCount)) return undefined;
  const calls = recordsOf(state);
  // The policies are the records themselves unless something else has a say: an uncached call
  // of a batch, the response's own Cache-Control, a cookie (a one-call hit allocates nothing).
  const existing = response.get('cache-control');
  const cookie = response.get('set-cookie') !== null;
  let policies: readonly CallCachePolicy[] = calls as readonly CallCachePolicy[];
  if (existing !== null || cookie || calls.includes(undefined)) {
    const all: CallCachePolicy[] = calls.map((call) => call ?? UNCACHED);
    if (existing !== null) all.push(policyOf(existing));
    // A cookie is meant for this client only: shared caches must not keep the response with it.
    if (cookie) all.push(PRIVATE);
    policies = all;
  }
  const keys = state.cdn === undefined ? undefined : surrogateKeysOf(calls, state.cdn);
  // Keys that do not fit: no shared cache may keep the response, s-maxage included.
  const shared = keys === 'overflow' ? policies.map(withoutSharedLifetime) : policies;

  const headers: CacheHeaders = {
    'x-cache': xCacheOf(calls),
    'cache-status': cacheStatus(calls),
    'cache-control': strictestCacheControl(shared),
  };
  const cdn = cdnHeaders(calls, shared, state.cdn, keys);
  if (cdn !== undefined) Object.assign(headers, cdn);
  // A one-call response (most) checks its record's tag: no list of tags to build.
  const etag =
    calls.length === 1 ? validEtag(calls[0]?.etag) : combineEtags(calls.map((call) => call?.etag));
  if (etag !== undefined) headers.etag = etag;
  const vary = responseVary(response.get('vary'), calls, state.extraVary);
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
 * @param into the object to add them to (the response's cache headers), instead of a new one.
 * @returns `undefined` when there is neither, else the headers (`into` when given).
 * @example
 * ```ts
 * foldWireHeaders(state); // { 'routecache-invalidate': '1;{"calls":[],"paths":["users"],"tags":[]}' }
 * ```
 */
export function foldWireHeaders(
  state: RequestCacheState,
  into?: Record<string, string>,
): WireHeaders | undefined {
  if (
    !hasRecords(state.calls, state.callCount) &&
    !hasRecords(state.invalidations, state.callCount)
  ) {
    return undefined;
  }
  const tagged: CallTags[] = [];
  let invalidated: Invalidation[] | undefined;
  for (let index = 0; index < state.callCount; index++) {
    const call = state.calls[index];
    if (call !== undefined) tagged.push([call.path, call.tags]);
    const invalidation = state.invalidations[index];
    if (invalidation === undefined) continue;
    invalidated ??= [];
    invalidated.push(invalidation);
  }
  if (tagged.length === 0 && invalidated === undefined) return undefined;
  const headers: WireHeaders = into ?? {};
  if (tagged.length > 0) headers[TAGS_HEADER] = callTagsHeader(tagged);
  if (invalidated !== undefined) headers[INVALIDATE_HEADER] = invalidationHeader(invalidated);
  return headers;
}

/** The `Routecache-Invalidate` value of a request's invalidations: their union, calls de-duplicated. */
function invalidationHeader(invalidations: readonly Invalidation[]): string {
  const calls = new Map<string, readonly [string, unknown]>();
  const paths: string[] = [];
  const tags: string[] = [];
  for (const invalidation of invalidations) {
    for (const entry of invalidation.calls) calls.set(JSON.stringify(entry), entry);
    paths.push(...invalidation.paths);
    tags.push(...invalidation.tags);
  }
  return encodeInvalidation({ calls: [...calls.values()], paths, tags });
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
  if (cacheHeaders === undefined) {
    const wireHeaders = foldWireHeaders(state);
    return wireHeaders === undefined ? undefined : { headers: wireHeaders, notModified: false };
  }
  // The wire headers go into the cache headers' object: one object holds them all.
  foldWireHeaders(state, cacheHeaders);
  return {
    headers: cacheHeaders,
    notModified: isNotModified(method, status, ifNoneMatch, cacheHeaders.etag),
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

/**
 * The request's call slots in batch order, one per call, `undefined` where no cache middleware
 * ran: a dense copy, but for the one-call response whose slot is filled (its array as it is).
 */
function recordsOf(state: RequestCacheState): readonly (CallRecord | undefined)[] {
  if (state.callCount === 1 && state.calls.length === 1) return state.calls;
  const calls: (CallRecord | undefined)[] = [];
  for (let index = 0; index < state.callCount; index++) calls.push(state.calls[index]);
  return calls;
}

/** The `X-Cache` value: each call's status in batch order, `BYPASS` where none was recorded. */
function xCacheOf(calls: readonly (CallRecord | undefined)[]): string {
  let value = calls[0]?.status ?? 'BYPASS';
  for (let index = 1; index < calls.length; index++) {
    value += `, ${calls[index]?.status ?? 'BYPASS'}`;
  }
  return value;
}

/** Whether any of the first `count` slots holds a record. */
function hasRecords(slots: readonly unknown[], count: number): boolean {
  for (let index = 0; index < count; index++) if (slots[index] !== undefined) return true;
  return false;
}

/**
 * What a response's `Vary` becomes (see {@link foldCacheHeaders}). Per response only the call
 * records change: the response's own value is tRPC's same string every time, and a route's
 * `vary` list and the glue's are frozen once, when their options are resolved. So the merged
 * value of a one-call response is kept for those three (the string by value, the frozen lists
 * by identity) and a hit on the same route parses nothing.
 */
function responseVary(
  own: string | null,
  calls: readonly (CallRecord | undefined)[],
  extra: readonly string[],
): string | undefined {
  const route = calls.length === 1 ? calls[0]?.vary : undefined;
  if (route === undefined || !Object.isFrozen(route) || !Object.isFrozen(extra)) {
    return mergeVary(own, ...calls.map((call) => call?.vary), extra);
  }
  const last = lastVary;
  if (last.own === own && last.route === route && last.extra === extra) return last.merged;
  const merged = mergeVary(own, route, extra);
  lastVary = { own, route, extra, merged };
  return merged;
}

let lastVary: {
  readonly own: string | null | undefined;
  readonly route: readonly string[] | undefined;
  readonly extra: readonly string[] | undefined;
  readonly merged: string | undefined;
} = { own: undefined, route: undefined, extra: undefined, merged: undefined };

/**
 * The `Routecache-Tags` value of `tagged`. A one-call response repeats its route's value on
 * every request (the path, and static tags are one frozen list per route): the last one is
 * kept, by the path and the identity of a frozen tag list (a tags function's fresh list is
 * encoded every time).
 */
function callTagsHeader(tagged: readonly CallTags[]): string {
  const only = tagged.length === 1 ? tagged[0] : undefined;
  if (only === undefined || !Object.isFrozen(only[1])) return encodeCallTags(tagged);
  const last = lastTags;
  if (last.path === only[0] && last.tags === only[1]) return last.value;
  const value = encodeCallTags(tagged);
  lastTags = { path: only[0], tags: only[1], value };
  return value;
}

let lastTags: {
  readonly path: string | undefined;
  readonly tags: readonly string[] | undefined;
  readonly value: string;
} = { path: undefined, tags: undefined, value: '' };
