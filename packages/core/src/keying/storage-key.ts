/**
 * The base key a storage key belongs to, read back from the key grammar of `keying/keys.ts`:
 * `storageKey = baseKey [ "#" variant ]`, the variant being exactly 43 base64url characters.
 * A base key never ends in `#` + 43 base64url characters (the grammar guarantees it), so the
 * split is unambiguous. Stores that only see a storage key on `get` (Redis, tiered) use it to
 * find where the entry's base key lives.
 *
 * @example
 * ```ts
 * baseKeyOfStorageKey('api|users.get|{"id":1}'); // 'api|users.get|{"id":1}'
 * baseKeyOfStorageKey(`api|users.get|{"id":1}#${'A'.repeat(43)}`); // 'api|users.get|{"id":1}'
 * ```
 */
export function baseKeyOfStorageKey(key: string): string {
  const at = key.length - VARIANT_SUFFIX_LENGTH;
  if (at < 0 || key.charCodeAt(at) !== HASH) return key;
  for (let i = at + 1; i < key.length; i++) if (!isBase64Url(key.charCodeAt(i))) return key;
  return key.slice(0, at);
}

const HASH = 0x23;
/** `#` + the 43-character variant digest. */
const VARIANT_SUFFIX_LENGTH = 44;

function isBase64Url(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || // -
    c === 0x5f // _
  );
}
