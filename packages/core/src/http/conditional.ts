import { codeUnitAt } from '../code-unit.js';
import { isValidEtag, opaqueTag, scanEntityTag } from './etag.js';
import { isOws } from './syntax.js';

/**
 * Longest `If-None-Match` value evaluated (8 KiB, a common total header budget of servers).
 * A longer value is not a request any browser or CDN sends; it never matches.
 *
 * @example
 * ```ts
 * etagMatches('"a", '.repeat(MAX_IF_NONE_MATCH_LENGTH), '"a"'); // false: too long to evaluate
 * ```
 */
export const MAX_IF_NONE_MATCH_LENGTH = 8192;

/**
 * Most entity-tags evaluated in one `If-None-Match` list (RFC 9110 §5.6.1.2 lets recipients
 * bound the number of list elements). Browsers send one; a longer list never matches.
 *
 * @example
 * ```ts
 * const header = Array.from({ length: MAX_IF_NONE_MATCH_ENTRIES + 1 }, (_, i) => `"${i}"`).join(', ');
 * etagMatches(header, '"0"'); // false: too many entries to evaluate
 * ```
 */
export const MAX_IF_NONE_MATCH_ENTRIES = 128;

/**
 * Headers a `304 Not Modified` leaves out of the `200` it stands for: those describing the body
 * it does not send. RFC 9110 §15.4.5: a 304 must repeat `Cache-Control`, `Content-Location`,
 * `Date`, `ETag`, `Expires` and `Vary`, and should not carry other representation metadata; it
 * has no content, so no `Content-Length` or `Transfer-Encoding` either. Every other header the
 * request produced — a session cookie a middleware refreshed, `X-Cache`, an app's own — stays:
 * the 304 answers this request, and what it did must reach the client. Lower-case.
 *
 * @example
 * ```ts
 * const headers = new Headers(response.headers);
 * for (const name of OMITTED_304_HEADERS) headers.delete(name);
 * return new Response(null, { status: 304, headers });
 * ```
 */
export const OMITTED_304_HEADERS: readonly string[] = Object.freeze([
  'content-encoding',
  'content-language',
  'content-length',
  'content-range',
  'content-type',
  'transfer-encoding',
]);

/**
 * Evaluates an `If-None-Match` request header against the current representation's ETag
 * (RFC 9110 §13.1.2): `true` means the condition is false and the server should answer
 * `304 Not Modified` (for GET/HEAD).
 *
 * - Weak comparison (RFC 9110 §8.8.3.2): `W/"x"` matches `"x"` and vice versa.
 * - A comma-separated list matches when any member does; commas inside quotes belong to the tag
 *   (`"a,b", "c"` holds two tags). Optional whitespace and empty list elements are allowed.
 * - `*` alone matches any current representation, i.e. whenever `etag` is defined.
 * - The `W/` prefix is case-sensitive (`%s"W/"`), so `w/"x"` is malformed.
 * - **Malformed lists never match**: if any member is not a well-formed entity-tag (unquoted,
 *   unterminated, a stray `*`, junk between tags…), the whole header is ignored and the result is
 *   `false` — the response is then a normal 200, which is always correct. The same holds for
 *   values longer than {@link MAX_IF_NONE_MATCH_LENGTH} or with more than
 *   {@link MAX_IF_NONE_MATCH_ENTRIES} tags.
 * - `false` when there is no current ETag or it is not a valid entity-tag.
 *
 * Runs a single linear scan (no regular expression), never throws, whatever the input.
 *
 * @param ifNoneMatch the request's `If-None-Match` value (`headers.get('if-none-match')`)
 * @param etag the ETag the response would carry
 * @example
 * ```ts
 * etagMatches('"abc"', '"abc"');          // true
 * etagMatches('W/"abc"', '"abc"');        // true (weak comparison)
 * etagMatches('"x", "a,b", "abc"', '"abc"'); // true
 * etagMatches('*', '"abc"');              // true
 * etagMatches('"abc', '"abc"');           // false (malformed)
 * etagMatches(null, '"abc"');             // false
 * ```
 */
export function etagMatches(
  ifNoneMatch: string | null | undefined,
  etag: string | undefined,
): boolean {
  if (ifNoneMatch == null || etag === undefined) return false;
  if (ifNoneMatch.length > MAX_IF_NONE_MATCH_LENGTH || !isValidEtag(etag)) return false;

  const text = ifNoneMatch;
  let start = 0;
  let end = text.length;
  while (start < end && isOws(codeUnitAt(text, start))) start++;
  while (end > start && isOws(codeUnitAt(text, end - 1))) end--;
  if (end - start === 1 && codeUnitAt(text, start) === 0x2a /* * */) return true;

  const wanted = opaqueTag(etag);
  let matched = false;
  let entries = 0;
  let i = start;
  while (i < end) {
    const code = codeUnitAt(text, i);
    // Whitespace and empty elements (`"a", , "b"`) are skipped, as RFC 9110 §5.6.1.2 asks.
    if (code === 0x2c /* , */ || isOws(code)) {
      i++;
      continue;
    }
    const tagEnd = scanEntityTag(text, i);
    if (tagEnd === -1) return false;
    entries++;
    if (entries > MAX_IF_NONE_MATCH_ENTRIES) return false;
    // Keep scanning after a match: a list is only trusted once all of it is well-formed.
    const opaqueStart = codeUnitAt(text, i) === 0x22 /* " */ ? i : i + 2;
    if (tagEnd - opaqueStart === wanted.length && text.startsWith(wanted, opaqueStart)) {
      matched = true;
    }
    i = tagEnd;
    while (i < end && isOws(codeUnitAt(text, i))) i++;
    if (i < end && codeUnitAt(text, i) !== 0x2c) return false; // junk after a tag
  }
  return matched;
}
