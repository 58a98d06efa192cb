import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyError } from '../errors.js';
import { adversarialText, anyInput, anyText, reinsert } from './__fixtures__/arbitraries.js';
import { encodeCanonical } from './canonical.js';
import { deriveBaseKey, deriveCustomBaseKey, MAX_KEY_BYTES, storageKey } from './keys.js';
import { resolveNamespace } from './namespace.js';
import { baseKeyOfStorageKey } from './storage-key.js';
import { deriveVariant } from './variant.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

// What a base key must identify. An empty namespace is the same as none (documented).
type Address =
  | { kind: 'route'; namespace: string | undefined; route: string; input: unknown }
  | { kind: 'custom'; namespace: string | undefined; key: string };

const namespaceArb = fc.option(anyText, { nil: undefined });
const addressArb: fc.Arbitrary<Address> = fc.oneof(
  fc.record({
    kind: fc.constant('route' as const),
    namespace: namespaceArb,
    route: anyText,
    input: anyInput,
  }),
  fc.record({ kind: fc.constant('custom' as const), namespace: namespaceArb, key: anyText }),
);

const keyOf = (a: Address) =>
  a.kind === 'route'
    ? deriveBaseKey(a.namespace, a.route, a.input)
    : deriveCustomBaseKey(a.namespace, a.key);

// The identity a key must encode, via the canonical encoding (itself checked against a model).
const identityOf = (a: Address) =>
  JSON.stringify(
    a.kind === 'route'
      ? ['route', a.namespace || '', a.route, encodeCanonical(a.input)]
      : ['custom', a.namespace || '', a.key],
  );

describe('deriveBaseKey / deriveCustomBaseKey: readable keys', () => {
  it('keeps small keys human-readable', () => {
    expect(
      deriveBaseKey(resolveNamespace('api', 'users', 'concat'), 'users.get', { userId: 42 }),
    ).toBe('api:users|users.get|{"userId":42}');
    expect(deriveBaseKey(undefined, 'users.list', { q: 'abc', page: 1 })).toBe(
      '|users.list|{"page":1,"q":"abc"}',
    );
    expect(deriveBaseKey('api', 'health', undefined)).toBe('api|health|');
    expect(deriveCustomBaseKey('api', 'user:42')).toBe('api|user:42');
    expect(deriveCustomBaseKey(undefined, 'user:42')).toBe('|user:42');
  });

  it('escapes reserved characters in namespaces, routes and custom keys', () => {
    expect(deriveBaseKey('a|b', 'c#d', 1)).toBe('a%7Cb|c%23d|1');
    expect(deriveCustomBaseKey('ns~', '50%|x')).toBe('ns%7E|50%25%7Cx');
  });

  it('treats an empty namespace as no namespace', () => {
    expect(deriveBaseKey('', 'r', 1)).toBe(deriveBaseKey(undefined, 'r', 1));
    expect(deriveCustomBaseKey('', 'k')).toBe(deriveCustomBaseKey(undefined, 'k'));
  });

  it('propagates KeyError for an unkeyable input', () => {
    expect(() => deriveBaseKey('api', 'r', { f: () => 1 })).toThrow(KeyError);
  });
});

describe('deriveBaseKey: large inputs', () => {
  it('gives 1000 fields in two orders one (hashed) key, and a changed field another', () => {
    const fields = Array.from({ length: 1000 }, (_, i) => [`field${i}`, i % 2 ? `v${i}` : i]);
    const declared = Object.fromEntries(fields);
    const reversed = Object.fromEntries([...fields].reverse());
    const key = deriveBaseKey('api', 'reports.search', declared);
    expect(key).toMatch(/^api\|reports\.search\|~[A-Za-z0-9_-]{43}$/);
    expect(deriveBaseKey('api', 'reports.search', reversed)).toBe(key);
    expect(deriveBaseKey('api', 'reports.search', { ...declared, field7: 'x' })).not.toBe(key);
  });
});

describe('deriveBaseKey / deriveCustomBaseKey: adversarial separators', () => {
  it.each<[string, string, string]>([
    ['namespace/route split', deriveBaseKey('a:b', 'c', 1), deriveBaseKey('a', 'b:c', 1)],
    ['namespace/route pipe split', deriveBaseKey('a|b', 'c', 1), deriveBaseKey('a', 'b|c', 1)],
    ['route/input split', deriveBaseKey('ns', 'a|"b"', 'c'), deriveBaseKey('ns', 'a', 'b"|"c')],
    ['custom vs route', deriveCustomBaseKey('ns', 'r|1'), deriveBaseKey('ns', 'r', 1)],
    [
      'custom vs route, no namespace',
      deriveCustomBaseKey('ns', 'r'),
      deriveBaseKey(undefined, 'ns', 'r'),
    ],
    ['namespace vs none', deriveBaseKey('ns', 'r', 1), deriveBaseKey(undefined, 'ns|r', 1)],
    [
      'resolved namespaces',
      deriveBaseKey(resolveNamespace('a:b', 'c', 'concat'), 'r', 1),
      deriveBaseKey(resolveNamespace('a', 'b:c', 'concat'), 'r', 1),
    ],
  ])('%s stay distinct', (_name, a, b) => {
    expect(a).not.toBe(b);
  });

  it('never lets a hashed part equal a literal one', () => {
    const long = 'x'.repeat(300);
    const hashedKey = deriveCustomBaseKey(undefined, long);
    const literal = hashedKey.slice(hashedKey.indexOf('|') + 1);
    expect(literal.startsWith('~')).toBe(true);
    expect(deriveCustomBaseKey(undefined, literal)).not.toBe(hashedKey);
  });
});

describe('keys: properties', () => {
  it('(1) distinct addresses never share a base key, equal ones always do', () => {
    fc.assert(
      fc.property(addressArb, addressArb, (a, b) => {
        expect(keyOf(a) === keyOf(b)).toBe(identityOf(a) === identityOf(b));
      }),
      { numRuns: 3000 },
    );
  });

  // A property run: seconds on a busy 2-core machine, past vitest's 5 s default.
  it('(1) holds for near-miss pairs that differ by moving text between parts', {
    timeout: 60_000,
  }, () => {
    // Splitting one string in two places gives pairs that only a leaky grammar would confuse.
    const parts = fc.tuple(adversarialText, adversarialText, adversarialText, adversarialText);
    fc.assert(
      fc.property(parts, ([w, x, y, z]) => {
        const candidates: Address[] = [
          { kind: 'route', namespace: w + x, route: y, input: z },
          { kind: 'route', namespace: w, route: x + y, input: z },
          { kind: 'route', namespace: w, route: x, input: y + z },
          { kind: 'route', namespace: undefined, route: w + x + y, input: z },
          { kind: 'custom', namespace: w + x, key: y + z },
          { kind: 'custom', namespace: w, key: x + y + z },
          { kind: 'custom', namespace: undefined, key: w + x + y + z },
        ];
        for (const a of candidates) {
          for (const b of candidates) {
            expect(keyOf(a) === keyOf(b)).toBe(identityOf(a) === identityOf(b));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('(2) equal inputs built in different insertion orders share a key', () => {
    fc.assert(
      fc.property(namespaceArb, anyText, anyInput, (namespace, route, input) => {
        expect(deriveBaseKey(namespace, route, reinsert(input))).toBe(
          deriveBaseKey(namespace, route, input),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('(3) every key fits in MAX_KEY_BYTES, whatever the sizes, with room for a variant', () => {
    const hugeText = fc.oneof(
      anyText,
      fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\ud800', '|'), maxLength: 3000 }),
    );
    const huge: fc.Arbitrary<Address> = fc.oneof(
      fc.record({
        kind: fc.constant('route' as const),
        namespace: fc.option(hugeText, { nil: undefined }),
        route: hugeText,
        input: fc.oneof(anyInput, fc.array(hugeText, { maxLength: 20 })),
      }),
      fc.record({
        kind: fc.constant('custom' as const),
        namespace: fc.option(hugeText, { nil: undefined }),
        key: hugeText,
      }),
    );
    fc.assert(
      fc.property(huge, fc.option(adversarialText, { nil: undefined }), (address, principal) => {
        const baseKey = keyOf(address);
        const variant = deriveVariant([['accept', principal]], principal);
        expect(bytes(baseKey)).toBeLessThanOrEqual(MAX_KEY_BYTES);
        expect(bytes(storageKey(baseKey, variant))).toBeLessThanOrEqual(MAX_KEY_BYTES);
        // Well-formed: no lone surrogate survives escaping, so the UTF-8 bytes stay distinct.
        expect(Buffer.from(baseKey, 'utf8').toString('utf8')).toBe(baseKey);
      }),
      { numRuns: 500 },
    );
  });

  it('storage keys are distinct for distinct (base key, variant), and give the base key back', () => {
    const variantArb = fc.oneof(
      fc.constant(''),
      fc
        .tuple(adversarialText, fc.option(adversarialText, { nil: undefined }))
        .map(([h, p]) => deriveVariant([['x-h', h]], p)),
    );
    fc.assert(
      fc.property(addressArb, variantArb, addressArb, variantArb, (a, va, b, vb) => {
        const ka = storageKey(keyOf(a), va);
        const kb = storageKey(keyOf(b), vb);
        expect(ka === kb).toBe(keyOf(a) === keyOf(b) && va === vb);
        expect(baseKeyOfStorageKey(ka)).toBe(keyOf(a));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('storageKey', () => {
  it('cannot be forged by a custom key that ends like a variant', () => {
    const variant = deriveVariant([], 'someone');
    const forged = deriveCustomBaseKey('ns', `k#${variant}`);
    const real = storageKey(deriveCustomBaseKey('ns', 'k'), variant);
    expect(storageKey(forged, '')).not.toBe(real);
    expect(baseKeyOfStorageKey(forged)).toBe(forged);
    expect(baseKeyOfStorageKey(real)).toBe('ns|k');
  });

  it('is the base key itself when nothing varies', () => {
    expect(storageKey('api|r|1', '')).toBe('api|r|1');
  });

  it('appends # and the variant otherwise', () => {
    const variant = deriveVariant([['accept-language', 'fr']], undefined);
    expect(storageKey('api|r|1', variant)).toBe(`api|r|1#${variant}`);
  });
});
