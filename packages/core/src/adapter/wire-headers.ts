// The response headers that carry cache facts to tRPC clients: what a mutation invalidated, and
// which tags each query's entry carries. Server glue encodes them; the client links decode them.
// No imports: the client subpath ships this module to browsers.
//
// Format (version 1), both headers: `1;` then an ASCII-only JSON payload (non-ASCII escaped as
// \uXXXX), or `1;*` when the payload would pass the byte cap ("too much to say": the client
// then acts on everything it manages, never on a silent part).
//   Routecache-Invalidate: 1;{"calls":[["users.get",{"userId":1}]],"paths":["users"],"tags":["users"]}
//   Routecache-Tags:       1;[["users.get",["users","user:1"]],["users.list",["users"]]]

/**
 * The header a mutation response carries: the union of what its successful mutations invalidated.
 *
 * @example
 * ```ts
 * response.headers.get(INVALIDATE_HEADER); // '1;{"calls":[],"paths":["users"],"tags":[]}'
 * ```
 */
export const INVALIDATE_HEADER = 'routecache-invalidate';

/**
 * The header a query response carries: each cached call's path and tags, in batch order.
 *
 * @example
 * ```ts
 * response.headers.get(TAGS_HEADER); // '1;[["users.get",["users"]]]'
 * ```
 */
export const TAGS_HEADER = 'routecache-tags';

/**
 * Byte cap of either header's value; past it the value is `1;*`. 4 KiB keeps a response well
 * inside the 8–16 KiB header limits of common proxies and Node's default `maxHeaderSize`.
 *
 * @example
 * ```ts
 * encodeInvalidation(huge).length <= MAX_WIRE_HEADER_BYTES; // true
 * ```
 */
export const MAX_WIRE_HEADER_BYTES = 4096;

const VERSION_PREFIX = '1;';
const OVERFLOW = '1;*';

/**
 * What a response says was invalidated.
 *
 * @example
 * ```ts
 * const inv: Invalidation = { calls: [['users.get', { userId: 1 }]], paths: ['users'], tags: ['users'] };
 * ```
 */
export interface Invalidation {
  /** Exact procedure calls: the dotted path and the input as the client sent it (JSON). */
  readonly calls: readonly (readonly [path: string, input: unknown])[];
  /** Path prefixes: a sub-router (`users`) or every call of one procedure (`users.get`). */
  readonly paths: readonly string[];
  /** Tags: every query whose response carried one of them. */
  readonly tags: readonly string[];
}

/**
 * One cached call's path and tags, as a query response reports them.
 *
 * @example
 * ```ts
 * const entry: CallTags = ['users.get', ['users', 'user:1']];
 * ```
 */
export type CallTags = readonly [path: string, tags: readonly string[]];

/**
 * Encode an invalidation as a header value. A call whose input JSON cannot carry faithfully
 * (a `Date`, a `Map`, `undefined` inside an object, a non-finite number…) is sent as a path
 * entry instead: the client then refreshes every call of that procedure — more, never less.
 *
 * @returns `1;{…}`, or `1;*` when the value would pass `maxBytes`.
 * @example
 * ```ts
 * encodeInvalidation({ calls: [['users.get', { userId: 1 }]], paths: [], tags: [] });
 * // '1;{"calls":[["users.get",{"userId":1}]],"paths":[],"tags":[]}'
 * ```
 */
export function encodeInvalidation(
  invalidation: Invalidation,
  maxBytes: number = MAX_WIRE_HEADER_BYTES,
): string {
  const calls: (readonly [string, unknown])[] = [];
  const paths = new Set(invalidation.paths);
  for (const [path, input] of invalidation.calls) {
    if (input === undefined || isJsonFaithful(input)) calls.push([path, input]);
    else paths.add(path);
  }
  return encode({ calls, paths: [...paths], tags: [...new Set(invalidation.tags)] }, maxBytes);
}

/**
 * Decode an `Routecache-Invalidate` value.
 *
 * @returns `undefined` when the header is absent; `'all'` when it says `*`, has an unknown
 *   version or cannot be read (a client must then refresh everything it manages).
 * @example
 * ```ts
 * decodeInvalidation('1;{"calls":[],"paths":["users"],"tags":[]}'); // { calls: [], paths: ['users'], tags: [] }
 * decodeInvalidation('1;*'); // 'all'
 * ```
 */
export function decodeInvalidation(
  value: string | null | undefined,
): Invalidation | 'all' | undefined {
  const payload = decode(value);
  if (payload === undefined || payload === 'all') return payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'all';
  const { calls, paths, tags } = payload as Record<string, unknown>;
  if (!Array.isArray(calls) || !isStringArray(paths) || !isStringArray(tags)) return 'all';
  for (const call of calls) {
    if (!Array.isArray(call) || call.length < 1 || call.length > 2 || typeof call[0] !== 'string') {
      return 'all';
    }
  }
  return { calls: calls as [string, unknown][], paths, tags };
}

/**
 * Encode the tags of a response's cached calls, in batch order.
 *
 * @returns `1;[…]`, or `1;*` when the value would pass `maxBytes`.
 * @example
 * ```ts
 * encodeCallTags([['users.get', ['users']]]); // '1;[["users.get",["users"]]]'
 * ```
 */
export function encodeCallTags(
  entries: readonly CallTags[],
  maxBytes: number = MAX_WIRE_HEADER_BYTES,
): string {
  return encode(entries, maxBytes);
}

/**
 * Decode a `Routecache-Tags` value.
 *
 * @returns `undefined` when absent; `'unknown'` when it says `*` or cannot be read (the client
 *   must then treat those queries as carrying every tag).
 * @example
 * ```ts
 * decodeCallTags('1;[["users.get",["users"]]]'); // [['users.get', ['users']]]
 * decodeCallTags('1;*'); // 'unknown'
 * ```
 */
export function decodeCallTags(
  value: string | null | undefined,
): CallTags[] | 'unknown' | undefined {
  const payload = decode(value);
  if (payload === undefined) return undefined;
  if (payload === 'all' || !Array.isArray(payload)) return 'unknown';
  for (const entry of payload) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string')
      return 'unknown';
    if (!isStringArray(entry[1])) return 'unknown';
  }
  return payload as CallTags[];
}

function encode(payload: unknown, maxBytes: number): string {
  // Header values are visible ASCII: escape everything else (JSON already escapes controls).
  const json = JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const value = VERSION_PREFIX + json;
  return value.length > maxBytes ? OVERFLOW : value;
}

function decode(value: string | null | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === OVERFLOW || !trimmed.startsWith(VERSION_PREFIX)) return 'all';
  try {
    return JSON.parse(trimmed.slice(VERSION_PREFIX.length)) as unknown;
  } catch {
    return 'all';
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Whether `JSON.parse(JSON.stringify(value))` gives back an equal value. */
function isJsonFaithful(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isJsonFaithful);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every(isJsonFaithful);
}
