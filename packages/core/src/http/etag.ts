import { codeUnitAt } from '../code-unit.js';
import { sha256Base64Url } from '../hash.js';
import { isEtagChar } from './syntax.js';

// Prefix of the hashed material of a batch tag: versions the derivation, so a future change of
// the scheme can never produce a tag equal to one an older release handed out.
const BATCH_TAG_DOMAIN = 'routecache-batch-etag-v1\n';

/**
 * Scans one RFC 9110 §8.8.3 `entity-tag` starting at `start`:
 * `entity-tag = [ weak ] opaque-tag`, `weak = %s"W/"` (case-sensitive), `opaque-tag = DQUOTE *etagc DQUOTE`.
 *
 * @returns the index just past the closing quote, or `-1` when no well-formed tag starts there.
 * @internal Shared by {@link isValidEtag} and the If-None-Match parser; linear, never backtracks.
 * @example
 * ```ts
 * scanEntityTag('W/"a", "b"', 0); // 5
 * scanEntityTag('"abc', 0);       // -1
 * ```
 */
export function scanEntityTag(text: string, start: number): number {
  let i = start;
  if (codeUnitAt(text, i) === 0x57 /* W */ && codeUnitAt(text, i + 1) === 0x2f /* / */) i += 2;
  if (codeUnitAt(text, i) !== 0x22 /* " */) return -1;
  for (i += 1; i < text.length; i++) {
    const code = codeUnitAt(text, i);
    if (code === 0x22) return i + 1;
    if (!isEtagChar(code)) return -1;
  }
  return -1; // unterminated
}

/**
 * The opaque part of an entity-tag, quotes included: what the weak comparison of RFC 9110 §8.8.3.2
 * compares (`W/"x"` and `"x"` share the opaque tag `"x"`).
 *
 * @internal
 * @example
 * ```ts
 * opaqueTag('W/"x"'); // '"x"'
 * ```
 */
export function opaqueTag(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}

/**
 * Whether `value` is exactly one RFC 9110 §8.8.3 entity-tag: an optional, case-sensitive `W/`
 * prefix and a double-quoted string of `etagc` characters (visible ASCII except `"`, plus
 * obs-text). No surrounding whitespace.
 *
 * @example
 * ```ts
 * isValidEtag('"abc"');   // true
 * isValidEtag('W/"abc"'); // true
 * isValidEtag('w/"abc"'); // false — the weak prefix is case-sensitive (%s"W/")
 * isValidEtag('abc');     // false — not quoted
 * ```
 */
export function isValidEtag(value: string): boolean {
  return scanEntityTag(value, 0) === value.length;
}

/**
 * A strong ETag for a representation's bytes (RFC 9110 §8.8.3): the quoted, unpadded base64url
 * SHA-256 of the bytes (256 bits, 43 characters — all legal `etagc`). Two byte-identical bodies
 * always get the same tag, on every instance, so a tag issued by one server validates on another.
 *
 * Computed once when an entry is filled and stored in it; a cache hit never hashes.
 *
 * @example
 * ```ts
 * strongEtag(new TextEncoder().encode('hello'));
 * // '"LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ"'
 * ```
 */
export function strongEtag(bytes: Uint8Array): string {
  return `"${sha256Base64Url(bytes)}"`;
}

/**
 * The ETag of a response that carries several results (a tRPC batch), derived from the results'
 * tags in order: the same tags in the same order give the same tag, any change or reordering
 * gives a different one.
 *
 * - A single tag is returned unchanged, so a one-call batch validates with the call's own tag.
 * - `undefined` when the list is empty or any tag is missing or not a valid entity-tag: the
 *   response then gets no ETag at all rather than one that would not change with its content.
 * - The result is weak (`W/"…"`) when any input is weak: a combination is only as strong as its
 *   weakest part (RFC 9110 §8.8.1).
 *
 * Tags are length-prefixed before hashing, so no two different lists share their hashed material.
 *
 * @example
 * ```ts
 * combineEtags(['"a"']);            // '"a"'
 * combineEtags(['"a"', '"b"']);     // '"<sha256 of both, in order>"'
 * combineEtags(['"a"', 'W/"b"']);   // 'W/"…"'
 * combineEtags(['"a"', undefined]); // undefined
 * ```
 */
export function combineEtags(etags: readonly (string | undefined)[]): string | undefined {
  // One call (most responses): its own tag, nothing to hash.
  if (etags.length === 1) return validEtag(etags[0]);
  let material = BATCH_TAG_DOMAIN;
  let weak = false;
  for (const etag of etags) {
    if (etag === undefined || !isValidEtag(etag)) return undefined;
    if (etag.startsWith('W/')) weak = true;
    material += `${etag.length}:${etag}`;
  }
  if (etags.length === 0) return undefined;
  return `${weak ? 'W/' : ''}"${sha256Base64Url(material)}"`;
}

/**
 * `etag` when it is exactly one entity-tag (see {@link isValidEtag}), else `undefined`: the ETag
 * a one-call response carries. The last tag found valid is kept, so the hits of one entry (its
 * tag is one stored string) scan it once.
 *
 * @internal
 * @example
 * ```ts
 * validEtag('"a"'); // '"a"'
 * validEtag('a');   // undefined
 * ```
 */
export function validEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  if (etag === lastValidEtag) return etag;
  if (!isValidEtag(etag)) return undefined;
  lastValidEtag = etag;
  return etag;
}

let lastValidEtag: string | undefined;
