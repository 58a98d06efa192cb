/**
 * Regression (issue 13, engine hit row): deriving a key scanned every quoted and escaped text
 * with a `String.prototype.charCodeAt` loop. Once any module in the process declares a subclass
 * of `String` — ioredis 6 does (`class VerbatimString extends String`), so every app that loads
 * it — V8 stops inlining String.prototype methods, and each call goes through the builtin: a
 * memory hit then cost 13.5k instructions instead of 8.7k (callgrind, engine section's input),
 * the "~40% slower with the Redis section's imports loaded" that bench/src/main.ts once left
 * unexplained. The scans are now RegExp tests, which a String subclass does not slow.
 *
 * Checked structurally, not timed: String.prototype's per-character readers are counted while
 * keys are derived from long ASCII texts. A scan per character makes hundreds of calls; the
 * key path now makes none (`flatString` reads its first character through `codeUnitAt`).
 */
import { createCache } from '@routecache/core';
import { baseKeyOfStorageKey, deriveVariant, storageKey } from '@routecache/core/adapter';
import { describe, expect, it } from 'vitest';
import { readsDuring } from '../support/string-reads.js';

describe('key derivation does not scan text with String.prototype methods', () => {
  const text = 'profile-and-teams-'.repeat(3); // 54 ASCII characters: no escaping needed
  // Short enough that the key is kept as written (not hashed): ~180 characters.
  const input = { userId: 42, include: [text, text], [text.slice(0, 40)]: 'x' };

  it('keyFor of an ASCII input calls no String.prototype reader, whatever its length', () => {
    const cache = createCache({ namespace: 'api-v1' });
    const expected = cache.keyFor({ route: 'users.get', input });
    const { result: key, reads } = readsDuring(() => cache.keyFor({ route: 'users.get', input }));
    expect(key).toBe(expected);
    expect(key).toContain(text);
    // A charCodeAt scan reads every character of the texts quoted: 178 calls here.
    expect(reads).toBe(0);
  });

  it('a storage key is split from its variant without a per-character scan', () => {
    const cache = createCache();
    const baseKey = cache.keyFor({ route: 'users.get', input: { id: 7 } });
    const key = storageKey(baseKey, deriveVariant([['accept-language', 'fr']], 'user-7'));
    const { result, reads } = readsDuring(() => [key, baseKey].map(baseKeyOfStorageKey));
    expect(result).toEqual([baseKey, baseKey]);
    // The suffix check read 44 characters of the key with a variant.
    expect(reads).toBe(0);
  });

  it('keys that need escaping still escape', () => {
    const cache = createCache({ namespace: 'api' });
    expect(cache.keyFor({ route: 'r#1|~%', input: { q: 'say "hi"\u00e9' } })).toBe(
      'api|r%231%7C%7E%25|{"q":"say \\"hi\\"\u00e9"}',
    );
  });
});
