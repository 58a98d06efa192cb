import { sha256Base64Url } from '../hash.js';
import { quote } from './escape.js';

/**
 * The variant of a base key: a digest of the request facts an entry varies on — the values of
 * the route's `vary` headers and, for `scope: 'private'`, the principal. `''` when nothing varies.
 *
 * The digest input is `v1` then, per header, `|` + JSON(lower-cased name) + `=` + (JSON(value) or
 * `-` when the header is absent), then `|p=` + JSON(principal) when there is one. Every piece is
 * self-delimiting, so a missing header differs from an empty one and no two (vary, principal)
 * combinations share a digest. The principal is only ever stored hashed (keys hold the digest).
 * Header order is kept: callers pass the route's `vary` list in its declared order. Each call
 * hashes; the adapters call it once per distinct (header values, principal) of a route, behind
 * their per-route memo (`adapter/variant-memo.ts`).
 *
 * @param vary - `[header name, value]` pairs; `undefined` when the request lacks the header.
 * @param principal - Who the private entry belongs to (e.g. a user id), or `undefined` for shared.
 * @returns 43 base64url characters, or `''` when `vary` is empty and there is no principal.
 * @example
 * ```ts
 * deriveVariant([], undefined); // ''
 * deriveVariant([['accept-language', 'fr']], 'user-7'); // 'pV0…' (43 chars)
 * ```
 */
export function deriveVariant(
  vary: readonly (readonly [name: string, value: string | undefined])[],
  principal: string | undefined,
): string {
  if (vary.length === 0 && principal === undefined) return '';
  let text = 'v1';
  for (const [name, value] of vary) {
    text += `|${quote(name.toLowerCase())}=${value === undefined ? '-' : quote(value)}`;
  }
  if (principal !== undefined) text += `|p=${quote(principal)}`;
  return sha256Base64Url(text);
}
