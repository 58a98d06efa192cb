import { codeUnitAt } from '../code-unit.js';
import { isToken } from './syntax.js';

/**
 * RFC 9111 §1.2.2: a `delta-seconds` too large to represent is taken as 2^31.
 *
 * @internal
 * @example
 * ```ts
 * parseCacheControl('max-age=99999999999').maxAge === MAX_DELTA_SECONDS; // true
 * ```
 */
export const MAX_DELTA_SECONDS = 2_147_483_648;

/**
 * The `Cache-Control` directives routecache acts on (RFC 9111 §5.2). Unknown directives are
 * ignored, as RFC 9111 §5.2.3 requires.
 *
 * @example
 * ```ts
 * const directives: CacheControlDirectives = parseCacheControl('private, max-age=60');
 * directives.private; // true
 * directives.maxAge; // 60
 * ```
 */
export interface CacheControlDirectives {
  /** `no-store` (§5.2.1.5, §5.2.2.5): do not store at all. */
  noStore: boolean;
  /** `no-cache` (§5.2.1.4, §5.2.2.4): may be stored, must be revalidated before each reuse. */
  noCache: boolean;
  /** `private` (§5.2.2.7): a shared cache must not store it. */
  private: boolean;
  /** `public` (§5.2.2.9): a shared cache may store it even when it otherwise would not. */
  public: boolean;
  /** `max-age` in seconds (§5.2.1.1, §5.2.2.1), `undefined` when absent or invalid. */
  maxAge: number | undefined;
  /** `s-maxage` in seconds (§5.2.2.10), shared caches only. */
  sMaxAge: number | undefined;
  /** `stale-while-revalidate` in seconds (RFC 5861 §3). */
  staleWhileRevalidate: number | undefined;
  /** `stale-if-error` in seconds (RFC 5861 §4). */
  staleIfError: number | undefined;
  /** `must-revalidate` (§5.2.2.2): never serve it stale. */
  mustRevalidate: boolean;
}

/**
 * Parses a `Cache-Control` header (RFC 9111 §5.2: `#( token [ "=" ( token / quoted-string ) ] )`).
 *
 * - Directive names are case-insensitive; OWS around list members is ignored.
 * - Arguments may be tokens or quoted strings, as RFC 9111 §5.2 asks recipients to accept
 *   (`max-age="60"` is 60); commas inside quotes do not split (`private="a, b", no-store`).
 * - `private="field"` and `no-cache="field"` (qualified forms) count as the unqualified directive:
 *   routecache does not strip single fields, so it honours the stricter reading.
 * - Numbers must be `delta-seconds` (digits only); anything else (`-1`, `1.5`, `abc`, empty) is
 *   ignored. Values beyond 2^31 are capped at 2^31 (RFC 9111 §1.2.2).
 * - Repeated numeric directives: RFC 9111 §4.2.1 says to use the first occurrence or treat the
 *   response as stale; routecache takes the **smallest** valid value, which is never more
 *   permissive than the first one and keeps a usable lifetime. Repeated flags are simply set.
 * - Never throws; one linear pass, no regular expression.
 *
 * @example
 * ```ts
 * parseCacheControl('Private, MAX-AGE=60, max-age=30, stale-while-revalidate="10"');
 * // { private: true, maxAge: 30, staleWhileRevalidate: 10, noStore: false, … }
 * parseCacheControl(null).noStore; // false
 * ```
 */
export function parseCacheControl(value: string | null | undefined): CacheControlDirectives {
  const directives: CacheControlDirectives = {
    noStore: false,
    noCache: false,
    private: false,
    public: false,
    maxAge: undefined,
    sMaxAge: undefined,
    staleWhileRevalidate: undefined,
    staleIfError: undefined,
    mustRevalidate: false,
  };
  if (value == null) return directives;
  for (const member of splitList(value)) {
    const eq = member.indexOf('=');
    const name = (eq === -1 ? member : member.slice(0, eq)).trim().toLowerCase();
    if (!isToken(name)) continue;
    const argument = eq === -1 ? undefined : unquote(member.slice(eq + 1).trim());
    switch (name) {
      case 'no-store':
        directives.noStore = true;
        break;
      case 'no-cache':
        directives.noCache = true;
        break;
      case 'private':
        directives.private = true;
        break;
      case 'public':
        directives.public = true;
        break;
      case 'must-revalidate':
        directives.mustRevalidate = true;
        break;
      case 'max-age':
        directives.maxAge = smaller(directives.maxAge, deltaSeconds(argument));
        break;
      case 's-maxage':
        directives.sMaxAge = smaller(directives.sMaxAge, deltaSeconds(argument));
        break;
      case 'stale-while-revalidate':
        directives.staleWhileRevalidate = smaller(
          directives.staleWhileRevalidate,
          deltaSeconds(argument),
        );
        break;
      case 'stale-if-error':
        directives.staleIfError = smaller(directives.staleIfError, deltaSeconds(argument));
        break;
    }
  }
  return directives;
}

/** Splits a header list on commas that are outside quoted strings (RFC 9110 §5.6.4). */
function splitList(value: string): string[] {
  const members: string[] = [];
  let start = 0;
  let quoted = false;
  let escaped = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (quoted) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') quoted = false;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      members.push(value.slice(start, i));
      start = i + 1;
    }
  }
  members.push(value.slice(start));
  return members;
}

/** The content of a quoted-string (RFC 9110 §5.6.4), or the token itself; `undefined` if unterminated. */
function unquote(argument: string): string | undefined {
  if (!argument.startsWith('"')) return argument;
  let content = '';
  for (let i = 1; i < argument.length; i++) {
    const char = argument[i];
    if (char === '"') return i === argument.length - 1 ? content : undefined;
    if (char === '\\') i++;
    content += argument[i] ?? '';
  }
  return undefined;
}

/** RFC 9111 §1.2.2 `delta-seconds = 1*DIGIT`, capped at 2^31; `undefined` when not one. */
function deltaSeconds(argument: string | undefined): number | undefined {
  if (argument === undefined || argument.length === 0) return undefined;
  for (let i = 0; i < argument.length; i++) {
    const code = codeUnitAt(argument, i);
    if (code < 0x30 || code > 0x39) return undefined;
  }
  return Math.min(Number(argument), MAX_DELTA_SECONDS);
}

function smaller(current: number | undefined, next: number | undefined): number | undefined {
  if (current === undefined) return next;
  if (next === undefined) return current;
  return Math.min(current, next);
}
