import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveBaseKey, deriveVariant, StorageKeys, storageKey } from './index.js';

const variantOf = (user: string) => deriveVariant([], user);

// Which string object comes back is not observable in JS (strings compare by value): the memo's
// gain is measured in `pnpm bench caller`. These tests hold it to storageKey's answers.
describe('StorageKeys', () => {
  it('answers what storageKey answers, for any sequence of base keys and variants', () => {
    const bases = [1, 2, 3].map((id) => deriveBaseKey('api', 'users.get', { id }));
    const variants = ['', ...['u1', 'u2', 'u3'].map(variantOf), 'hand-written', 'x'.repeat(43)];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...bases), fc.constantFrom(...variants)), {
          maxLength: 60,
        }),
        (calls) => {
          const keys = new StorageKeys();
          for (const [base, variant] of calls) {
            expect(keys.key(base, variant)).toBe(storageKey(base, variant));
          }
        },
      ),
    );
  });

  it('keeps one slot per variant: another base key takes it, and the first is joined again', () => {
    const keys = new StorageKeys();
    const variant = variantOf('u1');
    const [a, b] = [1, 2].map((id) => deriveBaseKey('api', 'users.get', { id })) as [
      string,
      string,
    ];
    expect(keys.key(a, variant)).toBe(`${a}#${variant}`);
    expect(keys.key(b, variant)).toBe(`${b}#${variant}`);
    expect(keys.key(a, variant)).toBe(`${a}#${variant}`);
  });

  it('stays right past its bound of remembered variants', () => {
    const keys = new StorageKeys();
    const base = deriveBaseKey('api', 'users.me', undefined);
    const users = Array.from({ length: 3000 }, (_, i) => variantOf(`user-${i}`));
    for (const round of [0, 1]) {
      for (const variant of users) {
        expect(keys.key(base, variant), `round ${round}`).toBe(`${base}#${variant}`);
      }
    }
  });

  it('joins a base key longer than keyFor makes, or a variant not of deriveVariant, each time', () => {
    const keys = new StorageKeys();
    const long = 'k'.repeat(10_000);
    expect(keys.key(long, variantOf('u1'))).toBe(`${long}#${variantOf('u1')}`);
    expect(keys.key('api|k', 'v')).toBe('api|k#v');
  });
});
