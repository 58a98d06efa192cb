import { describe, expect, it } from 'vitest';
import { deriveBaseKey, deriveCustomBaseKey, deriveVariant, storageKey } from './index.js';
import { baseKeyOfStorageKey } from './storage-key.js';

describe('baseKeyOfStorageKey', () => {
  const bases = [
    deriveBaseKey('api', 'users.get', { id: 1 }),
    deriveBaseKey(undefined, 'search', { q: `a#${'B'.repeat(43)}` }),
    deriveCustomBaseKey('api', `user#${'C'.repeat(43)}`),
    deriveBaseKey('ns', 'long', { text: 'x'.repeat(500) }),
  ];

  it('returns a storage key without variant unchanged', () => {
    for (const base of bases) expect(baseKeyOfStorageKey(storageKey(base, ''))).toBe(base);
  });

  it('keeps a key whose tail only nearly is a variant', () => {
    const digits = 'A'.repeat(42);
    for (const tail of [
      `#${digits}!`,
      `#${digits}`,
      `#${digits}=A`,
      `%${digits}AA`,
      `#${digits}A\u00e9`,
    ]) {
      const key = `api|user:42${tail}`;
      expect(baseKeyOfStorageKey(key)).toBe(key);
    }
  });

  it('strips the variant of a storage key', () => {
    const variant = deriveVariant([['accept-language', 'fr']], undefined);
    for (const base of bases) expect(baseKeyOfStorageKey(storageKey(base, variant))).toBe(base);
  });
});
