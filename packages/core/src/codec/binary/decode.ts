import { ByteReader, malformed } from './bytes.js';
import { Tag, TYPED_ARRAYS } from './tags.js';

type TypedArrayConstructor = (new (
  buffer: ArrayBuffer,
) => ArrayBufferView) & {
  readonly BYTES_PER_ELEMENT: number;
};

// Largest valid array length (2^32 - 1), as for JS arrays.
const MAX_ARRAY_LENGTH = 0xffff_ffff;

/**
 * @internal Decode bytes made by `encodeBinary`. Throws `MalformedError` (or a RangeError for
 * absurd nesting) on anything else; every length is checked against the bytes left before
 * anything is allocated, so hostile input cannot make it allocate more than its own size.
 *
 * @example
 * ```ts
 * decodeBinary(encodeBinary('rcb1', new Set([1]))); // Set { 1 }
 * ```
 */
export function decodeBinary(bytes: Uint8Array): unknown {
  const decoder = new Decoder(new ByteReader(bytes));
  const value = decoder.value();
  if (decoder.input.remaining !== 0) malformed('trailing bytes');
  return value;
}

class Decoder {
  private readonly refs: unknown[] = [];
  private readonly keys: string[] = [];

  constructor(readonly input: ByteReader) {}

  // Long on purpose (~75 lines): one `switch` over the wire tags, a few lines per tag. It is the
  // decoder's dispatch, run once per decoded value; a call per tag group would add a call per value.
  value(): unknown {
    const tag = this.input.u8();
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int: {
        const zigzag = this.input.varuint();
        if (zigzag > 0xffff_ffff) malformed('int out of range');
        return (zigzag >>> 1) ^ -(zigzag & 1);
      }
      case Tag.Float64:
        return this.input.f64();
      case Tag.String:
        return this.input.string();
      case Tag.BigInt: {
        const negative = this.input.u8() === 1;
        const digits = this.input.string();
        if (!/^[0-9a-f]+$/.test(digits)) malformed('bad bigint');
        const magnitude = BigInt(`0x${digits}`);
        return negative ? -magnitude : magnitude;
      }
      case Tag.Array:
        return this.array();
      case Tag.SparseArray:
        return this.sparseArray();
      case Tag.Object:
        return this.properties({});
      case Tag.NullProtoObject:
        return this.properties(Object.create(null) as Record<string, unknown>);
      case Tag.Date:
        return this.ref(new Date(this.input.f64()));
      case Tag.RegExp: {
        const source = this.input.string();
        return this.ref(new RegExp(source, this.input.string()));
      }
      case Tag.Map: {
        const count = this.input.length(2);
        const map = this.ref(new Map<unknown, unknown>());
        for (let index = 0; index < count; index += 1) map.set(this.value(), this.value());
        return map;
      }
      case Tag.Set: {
        const count = this.input.length();
        const set = this.ref(new Set<unknown>());
        for (let index = 0; index < count; index += 1) set.add(this.value());
        return set;
      }
      case Tag.TypedArray:
        return this.typedArray();
      case Tag.ArrayBuffer:
        return this.ref(this.input.raw(this.input.length()).buffer);
      case Tag.DataView:
        return this.ref(new DataView(this.input.raw(this.input.length()).buffer));
      case Tag.Ref: {
        const index = this.input.varuint();
        if (index >= this.refs.length) malformed('reference to an unknown object');
        return this.refs[index];
      }
      case Tag.Boxed: {
        const primitive = this.value();
        const type = typeof primitive;
        if (type !== 'number' && type !== 'string' && type !== 'boolean')
          malformed('bad boxed value');
        return this.ref(Object(primitive));
      }
      default:
        return malformed(`unknown tag ${tag}`);
    }
  }

  /** Register an object under the next reference index, in the order the encoder met it. */
  private ref<T>(object: T): T {
    this.refs.push(object);
    return object;
  }

  private array(): unknown[] {
    const length = this.input.length();
    const array = this.ref<unknown[]>([]);
    for (let index = 0; index < length; index += 1) {
      if (this.input.bytes[this.input.offset] === Tag.Hole) {
        this.input.offset += 1;
        array.length = index + 1;
      } else {
        array.push(this.value());
      }
    }
    return array;
  }

  private sparseArray(): unknown[] {
    const length = this.input.varuint();
    if (length > MAX_ARRAY_LENGTH) malformed('array too long');
    const count = this.input.length(2);
    const array = this.ref<unknown[]>([]);
    for (let item = 0; item < count; item += 1) {
      const index = this.input.varuint();
      if (index >= length) malformed('index past the array length');
      array[index] = this.value();
    }
    array.length = length;
    return array;
  }

  private properties(object: Record<string, unknown>): Record<string, unknown> {
    const count = this.input.length(2);
    this.ref(object);
    for (let index = 0; index < count; index += 1) {
      const key = this.key();
      const value = this.value();
      // Assigning `__proto__` would set the prototype; an own property is what was encoded.
      if (key === '__proto__') {
        Object.defineProperty(object, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        object[key] = value;
      }
    }
    return object;
  }

  private key(): string {
    const header = this.input.varuint();
    if (header % 2 === 1) {
      const key = this.keys[(header - 1) / 2];
      return key ?? malformed('reference to an unknown key');
    }
    const key = this.input.stringOf(header / 2);
    this.keys.push(key);
    return key;
  }

  private typedArray(): ArrayBufferView {
    const name = TYPED_ARRAYS[this.input.u8()] ?? malformed('unknown typed array');
    const Ctor = (globalThis as unknown as Record<string, TypedArrayConstructor | undefined>)[name];
    if (Ctor === undefined) malformed(`${name} is not available in this runtime`);
    const byteLength = this.input.length();
    if (byteLength % (Ctor as TypedArrayConstructor).BYTES_PER_ELEMENT !== 0)
      malformed('bad length');
    // A fresh, aligned buffer (raw copies), which the typed array constructor requires.
    return this.ref(new (Ctor as TypedArrayConstructor)(this.input.raw(byteLength).buffer));
  }
}
