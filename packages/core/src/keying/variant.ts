import { LRUCache } from 'lru-cache';
import { sha256Base64Url } from '../hash.js';
import { quote } from './escape.js';

/**
 * Digests of recent variant texts. A route with `vary`/`private` derives a variant on every call,
 * and pure-JS SHA-256 costs several times a whole cache hit, while the distinct (header values,
 * principal) combinations in use at any time are few. Bounded twice, so hostile headers cannot
 * grow it: at most {@link MEMO_ENTRIES} texts, each at most {@link MEMO_TEXT_LENGTH} code units
 * (longer ones are hashed every time); the least recently used leaves first.
 */
const MEMO_ENTRIES = 1024;
const MEMO_TEXT_LENGTH = 256;
const memo = new LRUCache<string, string>({ max: MEMO_ENTRIES });

/**
 * The variant of a base key: a digest of the request facts an entry varies on — the values of
 * the route's `vary` headers and, for `scope: 'private'`, the principal. `''` when nothing varies.
 *
 * The digest input is `v1` then, per header, `|` + JSON(lower-cased name) + `=` + (JSON(value) or
 * `-` when the header is absent), then `|p=` + JSON(principal) when there is one. Every piece is
 * self-delimiting, so a missing header differs from an empty one and no two (vary, principal)
 * combinations share a digest. The principal is only ever stored hashed (keys hold the digest;
 * a bounded in-process memo of recent digests keeps short texts). Header order is kept: callers
 * pass the route's `vary` list in its declared order.
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
  if (text.length > MEMO_TEXT_LENGTH) return sha256Base64Url(text);
  let digest = memo.get(text);
  if (digest === undefined) {
    digest = sha256Base64Url(text);
    memo.set(text, digest);
  }
  return digest;
}
