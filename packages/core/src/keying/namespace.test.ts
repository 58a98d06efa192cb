import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { adversarialText } from './__fixtures__/arbitraries.js';
import { resolveNamespace, validateNamespace } from './namespace.js';

describe('resolveNamespace', () => {
  it.each<[string | undefined, string | undefined, 'concat' | 'replace', string | undefined]>([
    ['api', 'users', 'concat', 'api:users'],
    ['api', undefined, 'concat', 'api'],
    [undefined, 'users', 'concat', 'users'],
    [undefined, undefined, 'concat', undefined],
    ['api', 'users', 'replace', 'users'],
    ['api', undefined, 'replace', 'api'],
    [undefined, 'users', 'replace', 'users'],
    [undefined, undefined, 'replace', undefined],
    ['', 'users', 'concat', 'users'],
    ['api', '', 'replace', 'api'],
  ])('(%j, %j, %s) → %j', (root, route, policy, expected) => {
    expect(resolveNamespace(root, route, policy)).toBe(expected);
  });

  it('escapes the separator so parts cannot be re-split', () => {
    expect(resolveNamespace('a:b', 'c', 'concat')).toBe('a%3Ab:c');
    expect(resolveNamespace('a', 'b:c', 'concat')).toBe('a:b%3Ac');
    expect(resolveNamespace('a:b', undefined, 'concat')).not.toBe(
      resolveNamespace('a', 'b', 'concat'),
    );
    expect(resolveNamespace('50%', undefined, 'replace')).toBe('50%25');
  });

  it('concat is injective over the parts present', () => {
    const part = fc.option(
      adversarialText.filter((s) => s !== ''),
      { nil: undefined },
    );
    fc.assert(
      fc.property(part, part, part, part, (r1, p1, r2, p2) => {
        // Either part alone is the same namespace; otherwise the parts must match exactly.
        const parts = (root?: string, route?: string) =>
          JSON.stringify([root, route].filter((part) => part !== undefined));
        const same = parts(r1, p1) === parts(r2, p2);
        expect(resolveNamespace(r1, p1, 'concat') === resolveNamespace(r2, p2, 'concat')).toBe(
          same,
        );
      }),
      { numRuns: 5000 },
    );
  });
});

describe('validateNamespace', () => {
  it('accepts undefined and non-empty strings', () => {
    expect(validateNamespace(undefined, 'namespace')).toBeUndefined();
    expect(validateNamespace('api', 'namespace')).toBe('api');
  });

  it.each([[''], [42], [null], [{}]])('rejects %j naming the option', (value) => {
    const attempt = () => validateNamespace(value, 'routes.namespace');
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(
      expect.objectContaining({ code: 'ROUTECACHE_INVALID_OPTION', option: 'routes.namespace' }),
    );
  });
});
