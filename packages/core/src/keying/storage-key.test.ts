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

  it('strips the variant of a storage key', () => {
    const variant = deriveVariant([['accept-language', 'fr']], undefined);
    for (const base of bases) expect(baseKeyOfStorageKey(storageKey(base, variant))).toBe(base);
  });
});
