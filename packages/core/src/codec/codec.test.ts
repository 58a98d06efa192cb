import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUILTIN_TAGS } from '../builtins.js';
import { CodecError } from '../errors.js';
import { binaryCodec } from './binary/index.js';
import { defaultCodec, devalueCodec } from './index.js';
import type { Codec } from './types.js';

// Both shipped codecs must keep the same promise: identical round-trips, identical refusals.
const codecs: readonly Codec[] = [binaryCodec, devalueCodec];

const roundTrip = (codec: Codec, value: unknown): unknown => codec.decode(codec.encode(value));

const TYPED_ARRAY_NAMES = [...BUILTIN_TAGS].filter(
  (tag) => tag.endsWith('Array') && tag !== 'Array',
);

function typedArrayOf(name: string): ArrayLike<unknown> {
  const Ctor = (globalThis as Record<string, unknown>)[name] as new (
    length: number,
  ) => {
    [index: number]: unknown;
    length: number;
  };
  const array = new Ctor(4);
  const bigint = name.startsWith('Big');
  for (let index = 0; index < 4; index += 1) {
    array[index] = bigint
      ? BigInt(index * 7 - 3) * (name.startsWith('BigU') ? -1n : 1n)
      : index * 3 - 1.5;
  }
  return array;
}

function codecError(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return error as CodecError;
  }
  throw new Error('expected a CodecError, nothing was thrown');
}

// Captured before any test installs fake timers, which replace the global Date.
const nativeDatePrototype = Date.prototype;

class User {
  constructor(readonly name: string) {}
  save(): void {}
}
class Money extends Map<string, number> {}

describe('defaultCodec', () => {
  it('is the binary codec with a stable id', () => {
    expect(defaultCodec).toBe(binaryCodec);
    expect(defaultCodec.id).toBe('rcb1');
    expect(devalueCodec.id).toBe('devalue1');
  });
});

describe.each(codecs.map((codec) => [codec.id, codec] as const))('%s codec', (_id, codec) => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('round-trips', () => {
    it.each([
      ['undefined', undefined],
      ['null', null],
      ['a string with astral and lone-surrogate-free unicode', 'héllo 🌍 \u2028 </script>'],
      ['true', true],
      ['an integer', 42],
      ['a float', 0.1 + 0.2],
      ['the largest safe integer', Number.MAX_SAFE_INTEGER],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
      ['a bigint', 2n ** 100n],
      ['a negative bigint', -(2n ** 70n)],
    ])('%s at the top level', (_name, value) => {
      expect(roundTrip(codec, value)).toStrictEqual(value);
    });

    it('NaN and -0 exactly', () => {
      expect(Object.is(roundTrip(codec, Number.NaN), Number.NaN)).toBe(true);
      expect(Object.is(roundTrip(codec, -0), -0)).toBe(true);
      const nested = roundTrip(codec, { zero: -0, nan: Number.NaN, list: [-0] }) as {
        zero: number;
        nan: number;
        list: number[];
      };
      expect(Object.is(nested.zero, -0)).toBe(true);
      expect(Number.isNaN(nested.nan)).toBe(true);
      expect(Object.is(nested.list[0], -0)).toBe(true);
    });

    it('undefined inside objects (key kept) and arrays', () => {
      const decoded = roundTrip(codec, { a: undefined, list: [undefined, 1] }) as Record<
        string,
        unknown
      >;
      expect(Object.keys(decoded)).toEqual(['a', 'list']);
      expect(decoded).toStrictEqual({ a: undefined, list: [undefined, 1] });
    });

    it('Date (valid and invalid), RegExp with flags, boxed primitives', () => {
      const value = {
        at: new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 7)),
        invalid: new Date(Number.NaN),
        pattern: /^a+\/b$/giu,
        boxed: [new String('s'), new Number(1), new Boolean(false)],
      };
      const decoded = roundTrip(codec, value) as typeof value;
      expect(decoded).toStrictEqual(value);
      expect(decoded.at).toBeInstanceOf(Date);
      expect(Number.isNaN(decoded.invalid.getTime())).toBe(true);
      expect(decoded.pattern.flags).toBe('giu');
    });

    it('a Date made under fake timers (a Date subclass) as a Date', () => {
      vi.useFakeTimers({ now: 1_700_000_000_000 });
      const now = new Date();
      expect(Object.getPrototypeOf(now) === nativeDatePrototype).toBe(false);
      const decoded = roundTrip(codec, { now }) as { now: Date };
      vi.useRealTimers();
      expect(decoded.now).toBeInstanceOf(Date);
      expect(decoded.now.getTime()).toBe(1_700_000_000_000);
    });

    it('Map (any keys, insertion order) and Set', () => {
      const key = { id: 1 };
      const value = {
        map: new Map<unknown, unknown>([
          ['b', 1],
          [key, new Set([1n, 'x'])],
          [3, new Date(0)],
        ]),
        set: new Set([3, 1, 2]),
      };
      const decoded = roundTrip(codec, value) as typeof value;
      expect(decoded).toStrictEqual(value);
      expect([...decoded.map.keys()][0]).toBe('b');
      expect([...decoded.set]).toEqual([3, 1, 2]);
    });

    it.each(TYPED_ARRAY_NAMES)('%s, whole and as a subarray view', (name) => {
      const array = typedArrayOf(name) as unknown as Uint8Array;
      const decoded = roundTrip(codec, { array, view: array.subarray(1, 3) }) as {
        array: Uint8Array;
        view: Uint8Array;
      };
      expect(decoded.array).toStrictEqual(array);
      expect(decoded.view).toStrictEqual(array.subarray(1, 3));
      expect(Object.getPrototypeOf(decoded.array)).toBe(Object.getPrototypeOf(array));
    });

    it('ArrayBuffer and DataView', () => {
      const buffer = new Uint8Array([1, 2, 3, 250]).buffer;
      const decoded = roundTrip(codec, { buffer, view: new DataView(buffer, 1, 2) }) as {
        buffer: ArrayBuffer;
        view: DataView;
      };
      expect(decoded.buffer).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(decoded.buffer)]).toEqual([1, 2, 3, 250]);
      expect(decoded.view.getUint8(1)).toBe(3);
    });

    it('a Node Buffer as its bytes', () => {
      const decoded = roundTrip(codec, { file: Buffer.from('hello') }) as { file: Uint8Array };
      expect(decoded.file).toBeInstanceOf(Uint8Array);
      expect(new TextDecoder().decode(decoded.file)).toBe('hello');
    });

    it('sparse arrays, keeping the holes', () => {
      // biome-ignore lint/suspicious/noSparseArray: the hole is the point
      const decoded = roundTrip(codec, [1, , 3]) as unknown[];
      expect(decoded).toHaveLength(3);
      expect(1 in decoded).toBe(false);
      const huge: unknown[] = [];
      huge[1_000_000] = 'last';
      expect((roundTrip(codec, huge) as unknown[])[1_000_000]).toBe('last');
    });

    it('null-prototype objects', () => {
      const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
      const decoded = roundTrip(codec, bare) as Record<string, unknown>;
      expect(Object.getPrototypeOf(decoded)).toBe(null);
      expect({ ...decoded }).toEqual({ a: 1 });
    });

    it('shared references as one object', () => {
      const author = { name: 'Ada' };
      const tags = new Set(['math']);
      const value = {
        posts: [
          { author, tags },
          { author, tags },
        ],
        byId: new Map([[1, author]]),
      };
      const decoded = roundTrip(codec, value) as typeof value;
      const [first, second] = decoded.posts;
      expect(first?.author).toBe(second?.author);
      expect(first?.tags).toBe(second?.tags);
      expect(decoded.byId.get(1)).toBe(first?.author);
      expect(decoded).toStrictEqual(value);
    });

    it('cycles', () => {
      type Node = { name: string; self?: Node; children: Node[]; index: Map<string, Node> };
      const root: Node = { name: 'root', children: [], index: new Map() };
      root.self = root;
      root.children.push({ name: 'child', self: root, children: [], index: root.index });
      root.index.set('root', root);
      const decoded = roundTrip(codec, root) as Node;
      expect(decoded.self).toBe(decoded);
      expect(decoded.children[0]?.self).toBe(decoded);
      expect(decoded.children[0]?.index).toBe(decoded.index);
      expect(decoded.index.get('root')).toBe(decoded);
    });

    it('any generated value of the supported types (property)', () => {
      // `__proto__` as an own key is refused by design (see the rejection tests).
      const key = fc.string().filter((k) => k !== '__proto__');
      const value = fc.anything({
        key,
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withNullPrototype: true,
        withSet: true,
        withSparseArray: true,
        withTypedArray: true,
        withObjectString: true,
      });
      fc.assert(
        fc.property(value, (generated) => {
          expect(roundTrip(codec, generated)).toStrictEqual(generated);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('refuses with ROUTECACHE_CODEC_UNSUPPORTED_VALUE and the path', () => {
    it.each([
      ['a top-level function', () => 1, 'value is a function'],
      ['a method', { user: { name: 'a', save() {} } }, 'value.user.save is a function'],
      ['a symbol value', { list: [1, Symbol('s')] }, 'value.list[1] is a symbol'],
      ['a class instance', { items: [new User('a')] }, 'value.items[0] is an instance of User'],
      ['a subclass of Map', { wallet: new Money() }, 'value.wallet is an instance of Money'],
      ['an Error', { error: new Error('x') }, 'value.error is an instance of Error'],
      ['a Promise', { later: Promise.resolve(1) }, 'value.later is a Promise'],
      ['symbol keys', { meta: { [Symbol('k')]: 1 } }, 'value.meta has symbol keys'],
      ['a function in a Map', new Map([['k', () => 1]]), 'value.get("k") is a function'],
      ['an odd key', { 'a b': { f() {} } }, 'value["a b"].f is a function'],
    ])('%s', (_name, value, message) => {
      const error = codecError(() => codec.encode(value));
      expect(error.code).toBe('ROUTECACHE_CODEC_UNSUPPORTED_VALUE');
      expect(error.message).toContain(message);
      expect(error.message).toContain(`Codec "${codec.id}"`);
    });

    it('a class that fakes a built-in tag', () => {
      class FakeDate {
        get [Symbol.toStringTag](): string {
          return 'Date';
        }
      }
      const error = codecError(() => codec.encode({ when: new FakeDate() }));
      expect(error.message).toContain('value.when is an instance of FakeDate');
    });
  });

  it('fails to decode foreign bytes with ROUTECACHE_CODEC_DECODE_FAILED and a cause', () => {
    const error = codecError(() => codec.decode(new Uint8Array([0xff, 0x00, 0x7b, 0x22])));
    expect(error.code).toBe('ROUTECACHE_CODEC_DECODE_FAILED');
    expect(error.cause).toBeDefined();
  });
});

describe('devalueCodec specifics', () => {
  it('refuses an own __proto__ key, which devalue cannot revive safely', () => {
    const error = codecError(() => devalueCodec.encode(JSON.parse('{"a":{"__proto__":{}}}')));
    expect(error.message).toContain('value.a has an own "__proto__" key');
  });

  it('keeps devalue’s error as the cause', () => {
    const error = codecError(() => devalueCodec.encode({ f() {} }));
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe('DevalueError');
    expect(error.context).toEqual({ codec: 'devalue1', path: 'value.f' });
  });
});
