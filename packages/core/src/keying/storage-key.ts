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
  // Most keys carry no variant: one character read (an index, not a String.prototype call)
  // rejects them. The suffix is a RegExp test, not a charCodeAt loop, for the reason escape.ts
  // gives (a String subclass, as ioredis 6 declares, slows every String.prototype call).
  if (at < 0 || key[at] !== '#') return key;
  VARIANT_SUFFIX.lastIndex = at;
  return VARIANT_SUFFIX.test(key) ? key.slice(0, at) : key;
}

/** `#` + the 43-character variant digest. */
const VARIANT_SUFFIX_LENGTH = 44;
/** `#` and 43 base64url characters, matched where `lastIndex` says, up to the end. */
const VARIANT_SUFFIX = /#[A-Za-z0-9_-]{43}$/y;
