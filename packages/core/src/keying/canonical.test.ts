import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { KeyError, RoutecacheError } from '../errors.js';
import { anyInput, reinsert, smallInput, specKey } from './__fixtures__/arbitraries.js';
import { encodeCanonical, MAX_INPUT_LENGTH } from './canonical.js';

const enc = encodeCanonical;

/** A typed array subclass pretending to be another type: its tag must not be trusted. */
class FakeTagged extends Int8Array {}
Object.defineProperty(FakeTagged.prototype, Symbol.toStringTag, { get: () => 'Uint8Array' });

/** An array of `length` with only `items` set: every other index is a hole. */
function sparse(length: number, items: Record<number, unknown> = {}): unknown[] {
  const array: unknown[] = new Array(length);
  for (const [index, item] of Object.entries(items)) array[Number(index)] = item;
  return array;
}

function keyErrorOf(input: unknown): KeyError {
  try {
    enc(input);
  } catch (error) {
    if (error instanceof KeyError) return error;
    throw error;
  }
  throw new Error('expected a KeyError');
}

describe('encodeCanonical: readable output', () => {
  it('reads like JSON for everyday inputs, with sorted keys', () => {
    expect(enc({ userId: 42 })).toBe('{"userId":42}');
    expect(enc({ q: 'abc', page: 1 })).toBe('{"page":1,"q":"abc"}');
    expect(enc({ tags: ['a', 'b'], on: true, off: false, none: null })).toBe(
      '{"none":null,"off":false,"on":true,"tags":["a","b"]}',
    );
  });
});

describe('encodeCanonical: type tags', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['integer', 42, '42'],
    ['float', -1.5, '-1.5'],
    ['exponent', 1e21, '1e+21'],
    ['zero', 0, '0'],
    ['negative zero', -0, '-0'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
    ['bigint', 10n, '10n'],
    ['negative bigint', -10n, '-10n'],
    ['string', 'abc', '"abc"'],
    ['string needing escapes', 'a"b\\c\n', '"a\\"b\\\\c\\n"'],
    ['lone surrogate', '\ud800', '"\\ud800"'],
    ['surrogate pair', '😀', '"😀"'],
    ['Date', new Date(0), 'Date(0)'],
    ['invalid Date', new Date(Number.NaN), 'Date(NaN)'],
    ['Map', new Map([[1, 'a']]), 'Map{1=>"a"}'],
    ['Set', new Set(['a']), 'Set["a"]'],
    ['RegExp', /a+/gi, 'RegExp("a+","gi")'],
    ['URL', new URL('https://example.com/a?b=1'), 'URL("https://example.com/a?b=1")'],
    ['Uint8Array', new Uint8Array([1, 2]), 'Uint8Array[1,2]'],
    ['Int16Array', new Int16Array([-1]), 'Int16Array[-1]'],
    ['Float64Array', new Float64Array([-0, Number.NaN, 1.5]), 'Float64Array[-0,NaN,1.5]'],
    ['BigInt64Array', new BigInt64Array([1n]), 'BigInt64Array[1]'],
    ['ArrayBuffer', new Uint8Array([1, 2]).buffer, 'ArrayBuffer[1,2]'],
    [
      'DataView (its window only)',
      new DataView(new Uint8Array([1, 2, 3]).buffer, 1, 1),
      'DataView[2]',
    ],
    ['boxed number', new Number(-0), 'Number(-0)'],
    ['boxed string', new String('s'), 'String("s")'],
    ['boxed boolean', new Boolean(false), 'Boolean(false)'],
    ['empty array', [], '[]'],
    ['empty object', {}, '{}'],
  ])('%s', (_name, input, expected) => {
    expect(enc(input)).toBe(expected);
  });

  it.each<[string, unknown, unknown]>([
    ['string vs number property', { a: '1' }, { a: 1 }],
    ['Date vs its ISO string', new Date(0), new Date(0).toISOString()],
    ['Date vs its epoch number', new Date(0), 0],
    ['bigint vs number', 1n, 1],
    ['bigint vs string', 1n, '1n'],
    ['-0 vs 0', -0, 0],
    ['NaN vs "NaN"', Number.NaN, 'NaN'],
    ['Infinity vs null (JSON.stringify blurs them)', Number.POSITIVE_INFINITY, null],
    ['top-level undefined vs null', undefined, null],
    ['undefined element vs null element', [undefined], [null]],
    ['hole vs undefined element', sparse(2, { 1: 1 }), [undefined, 1]],
    ['single hole vs empty array', sparse(1), []],
    ['trailing hole vs no hole', sparse(2, { 0: 1 }), [1]],
    ['two holes vs one', sparse(2), sparse(1)],
    ['Map vs object with the same entries', new Map([['a', 1]]), { a: 1 }],
    ['Set vs array', new Set([1]), [1]],
    ['Uint8Array vs array', new Uint8Array([1]), [1]],
    ['Uint8Array vs Int8Array', new Uint8Array([1]), new Int8Array([1])],
    ['ArrayBuffer vs its Uint8Array', new Uint8Array([1]).buffer, new Uint8Array([1])],
    ['boxed vs primitive string', new String('s'), 's'],
    ['boxed vs primitive number', new Number(1), 1],
    ['Float64Array -0 vs 0', new Float64Array([-0]), new Float64Array([0])],
    ['RegExp flags', /a/g, /a/],
    ['URL vs its href', new URL('https://a.dev/'), 'https://a.dev/'],
    ['string containing a forged separator', { a: 'x","b":"y' }, { a: 'x', b: 'y' }],
    ['key containing a forged separator', { 'a":1,"b': 2 }, { a: 1, b: 2 }],
    ['Map key/value split', new Map([['a=>b', 'c']]), new Map([['a', 'b=>c']])],
    ['Set item split', new Set(['a,b']), new Set(['a', 'b'])],
  ])('%s are distinct', (_name, a, b) => {
    expect(enc(a)).not.toBe(enc(b));
  });

  it('drops object properties whose value is undefined, as JSON does', () => {
    expect(enc({ a: undefined, b: 1 })).toBe(enc({ b: 1 }));
    expect(enc({ a: undefined })).toBe(enc({}));
  });

  it('keeps undefined where it is data: Map values and array elements', () => {
    expect(enc(new Map([['a', undefined]]))).toBe('Map{"a"=>undefined}');
    expect(enc([1, undefined])).toBe('[1,undefined]');
  });

  it('encodes holes as empty slots, as a JS array literal does', () => {
    expect(enc(sparse(3, { 0: 1, 2: 2 }))).toBe('[1,,2]');
    expect(enc(sparse(1))).toBe('[,]');
    expect(enc(sparse(2, { 0: 1 }))).toBe('[1,,]');
  });

  it('reads own enumerable string keys only', () => {
    const input: Record<string | symbol, unknown> = { a: 1, [Symbol('s')]: 2 };
    Object.defineProperty(input, 'hidden', { value: 3, enumerable: false });
    expect(enc(input)).toBe('{"a":1}');
  });
});

describe('encodeCanonical: the JSON-shaped fast path', () => {
  // A Date anywhere sends the whole input down the walk: `[x, Date]` is the walk's encoding of
  // x, an oracle for what the fast path writes for x alone.
  const walked = (x: unknown) => {
    const both = enc([x, new Date(0)]);
    return both.slice(1, -',Date(0)]'.length);
  };

  it('writes what the walk writes, for JSON values and records of one shape', () => {
    const record = fc.record({ id: fc.integer(), name: fc.string(), on: fc.boolean() });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.array(record), record), (x) => {
        // Forty copies: past the size below which the walk encodes anyway.
        const many = new Array(40).fill(x);
        expect(enc(many)).toBe(walked(many));
        expect(enc(x)).toBe(walked(x));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves to the walk what JSON writes differently', () => {
    const inputs: unknown[] = [
      -0,
      [1, undefined],
      sparse(2, { 0: 1 }),
      { a: Number.NaN },
      { a: { b: 1 } }, // two key sets
      [{ a: 1 }, { b: 1 }],
      { toJSON: 1 },
    ];
    for (const input of inputs) {
      const many = new Array(40).fill(input);
      expect(enc(many)).toBe(walked(many));
    }
    expect(enc({ a: { b: 1 } })).toBe('{"a":{"b":1}}');
    expect(
      enc([
        { b: 1, a: 2 },
        { a: 3, b: 4 },
      ]),
    ).toBe('[{"a":2,"b":1},{"a":3,"b":4}]');
  });

  it('ignores what a polluted Object.prototype would give JSON.stringify', () => {
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.polluted = 1;
      expect(enc([{ a: 1 }, { a: 2, polluted: 3 }])).toBe('[{"a":1},{"a":2,"polluted":3}]');
      const many = [...new Array(39).fill({ a: 1 }), { a: 2, polluted: 3 }];
      expect(enc(many)).toBe(walked(many));
      expect(enc(many).endsWith('{"a":1},{"a":2,"polluted":3}]')).toBe(true);
      proto.toJSON = () => 'x';
      expect(enc({ a: 1 })).toBe('{"a":1}');
      expect(enc(new Array(40).fill({ a: 1 }))).toBe(`[${new Array(40).fill('{"a":1}')}]`);
    } finally {
      delete proto.polluted;
      delete proto.toJSON;
    }
  });

  it('sorts every large object, whatever order its keys come in and whatever came before', () => {
    const fields = (order: number[], offset: number) =>
      Object.fromEntries(order.map((i) => [`k${i}`, i + offset]));
    const ascending = Array.from({ length: 40 }, (_, i) => i);
    const descending = [...ascending].reverse();
    for (const [order, offset] of [
      [descending, 0],
      [descending, 1], // the same key list again: the sorted copy is reused
      [ascending, 0],
      [descending, 2],
    ] as const) {
      const input = fields(order, offset);
      expect(enc(input)).toBe(walked(input));
      expect(enc(input)).toBe(enc(fields(ascending, offset)));
    }
    // Records of one key set in sorted order, then one in another order.
    const records = [...new Array(39).fill({ a: 1, b: 2 }), { b: 3, a: 4 }];
    expect(enc(records)).toBe(walked(records));
    expect(enc(records).endsWith('{"a":1,"b":2},{"a":4,"b":3}]')).toBe(true);
    const reversed = [{ b: 3, a: 4 }, ...new Array(39).fill({ a: 1, b: 2 })];
    expect(enc(reversed).startsWith('[{"a":4,"b":3},{"a":1,"b":2}')).toBe(true);
  });

  it('tells the key builder of non-ASCII text', () => {
    const facts = { wide: false };
    enc({ a: 'abc' }, facts);
    expect(facts.wide).toBe(false);
    enc({ a: 'é' }, facts);
    expect(facts.wide).toBe(true);
  });
});

describe('encodeCanonical: ordering', () => {
  it('sorts object keys by UTF-16 code unit, whatever the insertion order', () => {
    expect(enc({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(enc({ a: 1, B: 2, _: 3, '10': 4, '9': 5 })).toBe('{"10":4,"9":5,"B":2,"_":3,"a":1}');
    // Code unit order, not code point order: U+FFFF sorts after the surrogate pair of U+1F600.
    expect(enc({ '\uffff': 1, '😀': 2 })).toBe('{"😀":2,"\uffff":1}');
  });

  it('gives an input of 1000 fields one encoding in declaration and in reversed order', () => {
    // Past the insertion sort's bound: Array#sort takes over, and must order the same way. The
    // field names are not in code-unit order either way (f10 sorts before f2), and a third of
    // the values differ in type, so an unsorted or type-blind encoding would show.
    const declared: Record<string, unknown> = {};
    const reversed: Record<string, unknown> = {};
    const value = (i: number) => (i % 3 === 0 ? i : i % 3 === 1 ? `v${i}` : i % 2 === 0);
    for (let i = 0; i < 1000; i++) declared[`f${i}`] = value(i);
    for (let i = 999; i >= 0; i--) reversed[`f${i}`] = value(i);
    expect(Object.keys(declared)).not.toEqual(Object.keys(reversed));
    const encoded = enc(declared);
    expect(enc(reversed)).toBe(encoded);
    expect(encoded.startsWith('{"f0":0,"f1":"v1","f10":"v10","f100":"v100","f101":false,')).toBe(
      true,
    );
    // A different value in one field gives another encoding.
    expect(enc({ ...reversed, f500: 'other' })).not.toBe(encoded);
  });

  it('is insensitive to Map and Set insertion order', () => {
    expect(
      enc(
        new Map<unknown, unknown>([
          ['b', 2],
          [1, 'x'],
          ['a', { z: 1, y: 2 }],
        ]),
      ),
    ).toBe(
      enc(
        new Map<unknown, unknown>([
          ['a', { y: 2, z: 1 }],
          ['b', 2],
          [1, 'x'],
        ]),
      ),
    );
    expect(enc(new Set([3, 'a', 1]))).toBe(enc(new Set([1, 3, 'a'])));
  });

  it('keeps distinct Set members whose encodings coincide (two distinct {} objects)', () => {
    expect(enc(new Set([{}, {}]))).toBe('Set[{},{}]');
    expect(enc(new Set([{}, {}]))).not.toBe(enc(new Set([{}])));
  });

  it('keeps array order', () => {
    expect(enc([1, 2])).not.toBe(enc([2, 1]));
  });
});

describe('encodeCanonical: prototype-shaped keys are plain data', () => {
  it('encodes an own __proto__ key (JSON.parse makes one) distinctly from {}', () => {
    const parsed: unknown = JSON.parse('{"__proto__":1}');
    expect(enc(parsed)).toBe('{"__proto__":1}');
    expect(enc(parsed)).not.toBe(enc({}));
    const nested: unknown = JSON.parse('{"__proto__":{"polluted":true}}');
    expect(enc(nested)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats constructor and prototype keys as data', () => {
    expect(enc({ constructor: 'x', prototype: 1 })).toBe('{"constructor":"x","prototype":1}');
    expect(enc({ constructor: { name: 'Object' } })).not.toBe(enc({}));
  });

  it('encodes null-prototype objects like plain ones', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 1;
    bare.a = 2;
    expect(enc(bare)).toBe(enc({ a: 2, b: 1 }));
  });

  it('accepts plain objects and arrays made in another realm', () => {
    const foreign: unknown = runInNewContext('({ b: [1, { c: 2 }], a: 1 })');
    expect(enc(foreign)).toBe(enc({ a: 1, b: [1, { c: 2 }] }));
  });
});

describe('encodeCanonical: unkeyable inputs throw KeyError', () => {
  it.each<[string, unknown, string]>([
    ['a function', { f: () => 1 }, '$.f'],
    ['a symbol', { x: [1, { y: Symbol('s') }] }, '$.x[1].y'],
    ['a class instance', { when: new (class Temporalish {})() }, '$.when'],
    ['an Error', { e: new Error('x') }, '$.e'],
    ['a Promise', Promise.resolve(1), '$'],
    ['a Map subclass', { m: new (class Registry extends Map {})() }, '$.m'],
    ['a typed array subclass faking its tag', [new FakeTagged(1)], '$[0]'],
    ['a SharedArrayBuffer', new SharedArrayBuffer(1), '$'],
    ['a WeakMap', new WeakMap(), '$'],
    ['an odd key', { 'a b': () => 1 }, '$["a b"]'],
    ['inside a Map', new Map([['k', () => 1]]), '$[map entry 0]'],
    ['inside a Set', new Set([1, Symbol('s')]), '$[set item 1]'],
    ['an inherited-only object', Object.create({ a: 1 }), '$'],
  ])('rejects %s with its path', (_name, input, path) => {
    const error = keyErrorOf(input);
    expect(error).toBeInstanceOf(RoutecacheError);
    expect(error.code).toBe('ROUTECACHE_UNKEYABLE_INPUT');
    expect(error.reason).toBe('unsupported-type');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('encodes a Node Buffer as the Uint8Array it is', () => {
    expect(enc(Buffer.from([1, 2]))).toBe(enc(new Uint8Array([1, 2])));
  });

  it('encodes a Date made under fake timers (a Date subclass) as a Date', () => {
    vi.useFakeTimers({ now: 1000 });
    try {
      const now = new Date();
      expect(enc({ now })).toBe('{"now":Date(1000)}');
    } finally {
      vi.useRealTimers();
    }
  });

  it('names the class of a rejected instance', () => {
    class Money {}
    expect(keyErrorOf({ price: new Money() }).message).toContain('an instance of Money');
  });

  it('rejects a cycle, naming where it closes', () => {
    const input: Record<string, unknown> = { a: 1 };
    input.self = { back: input };
    const error = keyErrorOf(input);
    expect(error.reason).toBe('cycle');
    expect(error.path).toBe('$.self.back');
    const list: unknown[] = [];
    list.push(list);
    expect(keyErrorOf(list).reason).toBe('cycle');
  });

  it('accepts a shared, non-cyclic reference', () => {
    const shared = { id: 1 };
    expect(enc({ a: shared, b: shared })).toBe('{"a":{"id":1},"b":{"id":1}}');
  });

  it('accepts 128 levels of nesting and rejects 129 as too deep, with a cut path', () => {
    const nest = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(enc(nest(128))).toBe(`${'['.repeat(128)}1${']'.repeat(128)}`);
    const error = keyErrorOf(nest(129));
    expect(error.reason).toBe('too-deep');
    expect(error.path).toBe(`$${'[0]'.repeat(15)}…`);
  });

  it('wraps an error thrown by a getter, keeping it as cause', () => {
    const boom = new Error('boom');
    const input = {
      get secret(): never {
        throw boom;
      },
    };
    const error = keyErrorOf({ outer: input });
    expect(error.reason).toBe('threw');
    expect(error.path).toBe('$.outer.secret');
    expect(error.cause).toBe(boom);
  });
});

describe('encodeCanonical: size bound', () => {
  /** `input` beside a string padded so the whole encoding is `length` characters long. */
  function padded(input: unknown, length: number): unknown[] {
    const bare = enc([input, '']).length;
    return [input, 'x'.repeat(length - bare)];
  }

  it('keys an encoding of exactly MAX_INPUT_LENGTH characters and refuses one more', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        expect(enc(padded(input, MAX_INPUT_LENGTH))).toHaveLength(MAX_INPUT_LENGTH);
        const error = keyErrorOf(padded(input, MAX_INPUT_LENGTH + 1));
        expect(error.reason).toBe('too-large');
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, () => unknown]>([
    ['a 10 MB string', () => 'x'.repeat(10_000_000)],
    ['an array of 1M items', () => new Array(1_000_000).fill(0)],
    [
      'an object with 70k keys',
      () => Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, i])),
    ],
    ['a Set of 100k items', () => new Set(Array.from({ length: 100_000 }, (_, i) => i))],
    ['a Map of 100k entries', () => new Map(Array.from({ length: 100_000 }, (_, i) => [i, i]))],
    ['a 1 MB Uint8Array', () => new Uint8Array(1_000_000)],
    ['a 1 MB ArrayBuffer', () => new ArrayBuffer(1_000_000)],
  ])('refuses %s as too large, saying where', (_name, make) => {
    const error = keyErrorOf({ big: make() });
    expect(error.reason).toBe('too-large');
    expect(error.path.startsWith('$.big')).toBe(true);
  });

  it('counts only what is encoded: 70k properties whose value is undefined encode as {}', () => {
    const input = Object.fromEntries(
      Array.from({ length: 70_000 }, (_, i) => [`k${i}`, undefined]),
    );
    expect(enc(input)).toBe('{}');
  });

  it('sorts many keys like few: by UTF-16 code unit', () => {
    const keys = Array.from(
      { length: 200 },
      (_, i) => `${String.fromCharCode(0x41 + (i % 60))}${i}`,
    );
    const input = Object.fromEntries(keys.map((key) => [key, 1]));
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(enc(input)).toBe(`{${sorted.map((key) => `${JSON.stringify(key)}:1`).join(',')}}`);
  });
});

describe('encodeCanonical: properties', () => {
  it('gives equal inputs equal encodings, and distinct inputs distinct ones', () => {
    fc.assert(
      fc.property(anyInput, anyInput, (a, b) => {
        expect(enc(a) === enc(b)).toBe(specKey(a) === specKey(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('tells apart look-alike inputs from a tiny universe, and only equal ones collide', () => {
    let equalPairs = 0;
    fc.assert(
      fc.property(smallInput, smallInput, (a, b) => {
        const same = specKey(a) === specKey(b);
        if (same) equalPairs++;
        expect(enc(a) === enc(b)).toBe(same);
      }),
      { numRuns: 5000 },
    );
    // The universe is small on purpose: equal pairs must occur, or the property proves little.
    expect(equalPairs).toBeGreaterThan(20);
  });

  it('does not depend on key, Map or Set insertion order', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        expect(enc(reinsert(input))).toBe(enc(input));
      }),
      { numRuns: 1000 },
    );
  });
});
