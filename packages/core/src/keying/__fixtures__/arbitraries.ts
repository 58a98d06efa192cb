/**
 * Test-only generators and a reference model for the keying property tests (excluded from the
 * build). `specKey` is a deliberately naive restatement of the canonical-encoding decisions,
 * built on `JSON.stringify` of tagged tuples: the properties check the fast encoder against it.
 */
import fc from 'fast-check';

// Characters the key grammars reserve, plus JSON's, plus wide and ill-formed text.
const adversarialUnit = fc.constantFrom(
  'a',
  'b',
  ':',
  '|',
  '#',
  '~',
  '%',
  '7C',
  '"',
  '\\',
  ',',
  '=>',
  '{',
  '}',
  '[',
  ']',
  '\n',
  'é',
  '😀',
  '\ud800',
  '\udc00',
);

/** Short strings made of separator-like pieces: collisions are likely if the grammar leaks. */
export const adversarialText = fc.string({ unit: adversarialUnit, maxLength: 6 });

/** Adversarial strings, sometimes long enough to force hashing. */
export const anyText = fc.oneof(
  { weight: 4, arbitrary: adversarialText },
  { weight: 1, arbitrary: fc.string({ unit: adversarialUnit, minLength: 40, maxLength: 400 }) },
);

/** Parsed inputs of every supported kind, small enough that equal pairs happen. */
export const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    maxDepth: 2,
    maxKeys: 3,
    key: adversarialText,
    values: [
      adversarialText,
      fc.constantFrom(0, -0, 1, Number.NaN, Number.POSITIVE_INFINITY, 1n, true, null, undefined),
    ],
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
  }),
  fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withSparseArray: true }),
  fc.string({ unit: adversarialUnit, maxLength: 2000 }),
);

/**
 * Inputs from a tiny universe (two keys, a handful of look-alike leaves), so two independent
 * draws are often equal or nearly so: `0`/`-0`/`"0"`/`0n`, `null`/`undefined`/hole, `[]`/`{}`/
 * `Map`/`Set`. A property over pairs of these probes every decision of the encoding.
 */
export const smallInput: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 2,
  maxKeys: 2,
  key: fc.constantFrom('a', 'b', '__proto__'),
  values: [
    fc.constantFrom<unknown>(0, -0, '0', 0n, Number.NaN, 'a', null, undefined, true, 'true'),
  ],
  withBigInt: true,
  withMap: true,
  withSet: true,
  withSparseArray: true,
  withNullPrototype: true,
});

type Spec = string | number | null | boolean | Spec[];

const num = (n: number) => (Object.is(n, -0) ? '-0' : String(n));
const compareJson = (a: Spec, b: Spec) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

function spec(value: unknown): Spec {
  if (value === null) return ['null'];
  switch (typeof value) {
    case 'undefined':
      return ['undefined'];
    case 'string':
      return ['string', value];
    case 'number':
      return ['number', num(value)];
    case 'bigint':
      return ['bigint', String(value)];
    case 'boolean':
      return ['boolean', value];
    case 'object':
      break;
    default:
      throw new Error(`unexpected ${typeof value}`);
  }
  if (Array.isArray(value)) {
    return [
      'array',
      Array.from({ length: value.length }, (_, i) => (i in value ? spec(value[i]) : ['hole'])),
    ];
  }
  if (value instanceof Date) return ['date', num(value.getTime())];
  if (value instanceof Map) {
    return ['map', [...value].map(([k, v]) => [spec(k), spec(v)] as Spec).sort(compareJson)];
  }
  if (value instanceof Set) return ['set', [...value].map(spec).sort(compareJson)];
  if (ArrayBuffer.isView(value)) {
    const items = Array.from(value as unknown as ArrayLike<number | bigint>, (x) =>
      typeof x === 'number' ? num(x) : String(x),
    );
    return ['typed', Object.prototype.toString.call(value), items];
  }
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => [k, spec((value as Record<string, unknown>)[k])] as Spec);
  return ['object', entries];
}

/** A reference identity of an input: equal exactly when the canonical encodings must be. */
export function specKey(value: unknown): string {
  return JSON.stringify(spec(value));
}

/** A deep copy whose objects, Maps and Sets get their entries inserted in reverse order. */
export function reinsert(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) copy[i] = reinsert(value[i]);
    return copy;
  }
  if (value instanceof Map) {
    return new Map([...value].reverse().map(([k, v]) => [reinsert(k), reinsert(v)]));
  }
  if (value instanceof Set) return new Set([...value].reverse().map(reinsert));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy = Object.create(proto as object | null) as Record<string, unknown>;
  for (const key of Object.keys(value).reverse()) {
    // defineProperty, so a `__proto__` key stays an own data property, as JSON.parse makes it.
    Object.defineProperty(copy, key, {
      value: reinsert((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
