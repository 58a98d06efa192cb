import { builtinTag, hasEnumerableSymbols } from '../../builtins.js';
import { SmallIndex } from '../../small-index.js';
import { describeUnsupported, formatPath, MAP_KEY, unsupportedValue } from '../unsupported.js';
import { ByteWriter } from './bytes.js';
import { Tag, TYPED_ARRAYS } from './tags.js';

/*
 * Wire format of `rcb1`: one value, written depth-first as a type tag byte (tags.ts) and its
 * payload. Every object gets the next reference index when first met, before its children, so
 * a later meeting writes `Ref <index>` and shared references and cycles survive. Object keys are
 * interned per payload: varint `2 × byteLength` + the key's bytes the first time, varint
 * `2 × keyIndex + 1` after that, so a list of 100 rows spells each key once. Integers in the
 * int32 range are zigzag varints; other numbers (and -0, NaN, ±Infinity) are float64.
 */

// Arrays longer than this are checked for sparseness before walking index by index, so a
// `list[1e9] = 1` costs its one element, not a billion holes.
const SPARSE_CHECK_FROM = 1024;
const dateGetTime = Date.prototype.getTime;
/** The encoder free for the next call (none while one runs). */
let idle: Encoder | undefined;

/**
 * @internal Encode `value`, throwing the codec's `CodecError` for what it refuses. `transient`:
 * return the encoder's own buffer (valid until the next encode) instead of a copy.
 *
 * @example
 * ```ts
 * encodeBinary('rcb1', { id: 1 }); // Uint8Array [10, 1, 4, 105, 100, 4, 2]
 * ```
 */
export function encodeBinary(codec: string, value: unknown, transient = false): Uint8Array {
  // One encoder serves every call: its buffer and tables are reused, so a fill allocates only
  // its result. A getter that encodes while an encode runs gets an encoder of its own.
  const encoder = idle ?? new Encoder();
  idle = undefined;
  try {
    return encoder.encode(codec, value, transient);
  } finally {
    encoder.reset();
    idle = encoder;
  }
}

class Encoder {
  readonly out = new ByteWriter();
  private codec = '';
  /** Objects met so far, by reference index. */
  private readonly refs = new SmallIndex<object>();
  /** Object keys spelled so far, by key index. */
  private readonly keys = new SmallIndex<string>();
  /** Raw keys from the root to the current value; formatted only when a value is refused. */
  private readonly path: unknown[] = [];

  encode(codec: string, value: unknown, transient: boolean): Uint8Array {
    this.codec = codec;
    this.value(value);
    return transient ? this.out.written() : this.out.finish();
  }

  /** Forget the last payload (its objects must not stay reachable from here). */
  reset(): void {
    this.out.reset();
    this.refs.reset();
    this.keys.reset();
    this.path.length = 0;
  }

  value(value: unknown): void {
    switch (typeof value) {
      case 'undefined':
        this.out.u8(Tag.Undefined);
        return;
      case 'boolean':
        this.out.u8(value ? Tag.True : Tag.False);
        return;
      case 'number':
        this.number(value);
        return;
      case 'string':
        this.out.u8(Tag.String);
        this.out.string(value);
        return;
      case 'bigint':
        this.out.u8(Tag.BigInt);
        this.out.u8(value < 0n ? 1 : 0);
        this.out.string((value < 0n ? -value : value).toString(16));
        return;
      case 'object':
        if (value === null) this.out.u8(Tag.Null);
        else this.object(value);
        return;
      default:
        this.fail(value);
    }
  }

  private number(value: number): void {
    if ((value | 0) === value && !Object.is(value, -0)) {
      this.out.u8(Tag.Int);
      this.out.varuint(((value << 1) ^ (value >> 31)) >>> 0);
    } else {
      this.out.u8(Tag.Float64);
      this.out.f64(value);
    }
  }

  // Long on purpose (~65 lines): the shared-reference check, then one `switch` over the built-in
  // kinds (a few lines each), the encoder's dispatch for every non-plain object.
  private object(value: object): void {
    const ref = this.refs.indexOf(value);
    if (ref !== -1) {
      this.out.u8(Tag.Ref);
      this.out.varuint(ref);
      return;
    }
    this.refs.add(value);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      this.properties(value as Record<string, unknown>, proto === null);
      return;
    }
    const tag = builtinTag(value) ?? this.fail(value);
    switch (tag) {
      case 'Array':
        this.array(value as readonly unknown[]);
        return;
      case 'Date':
        this.out.u8(Tag.Date);
        this.out.f64(dateGetTime.call(value));
        return;
      case 'RegExp':
        this.out.u8(Tag.RegExp);
        this.out.string((value as RegExp).source);
        this.out.string((value as RegExp).flags);
        return;
      case 'Map':
        this.out.u8(Tag.Map);
        this.out.varuint((value as Map<unknown, unknown>).size);
        for (const [key, entry] of value as Map<unknown, unknown>) {
          this.path.push(MAP_KEY, key);
          this.value(key);
          this.value(entry);
          this.path.length -= 2;
        }
        return;
      case 'Set':
        this.out.u8(Tag.Set);
        this.out.varuint((value as Set<unknown>).size);
        for (const member of value as Set<unknown>) this.value(member);
        return;
      case 'ArrayBuffer':
        this.bytes(Tag.ArrayBuffer, new Uint8Array(value as ArrayBuffer));
        return;
      case 'Number':
      case 'String':
      case 'Boolean':
        this.out.u8(Tag.Boxed);
        this.value((value as { valueOf(): unknown }).valueOf());
        return;
      default: {
        // A typed array or a DataView: its visible bytes, whatever buffer it views.
        const view = value as ArrayBufferView;
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        if (tag === 'DataView') {
          this.bytes(Tag.DataView, bytes);
          return;
        }
        this.out.u8(Tag.TypedArray);
        this.out.u8(TYPED_ARRAYS.indexOf(tag));
        this.out.varuint(bytes.length);
        this.out.raw(bytes);
      }
    }
  }

  private bytes(tag: number, bytes: Uint8Array): void {
    this.out.u8(tag);
    this.out.varuint(bytes.length);
    this.out.raw(bytes);
  }

  private properties(object: Record<string, unknown>, nullProto: boolean): void {
    if (hasEnumerableSymbols(object)) this.fail(object);
    const keys = Object.keys(object);
    this.out.u8(nullProto ? Tag.NullProtoObject : Tag.Object);
    this.out.varuint(keys.length);
    for (const key of keys) {
      const known = this.keys.indexOf(key);
      if (known === -1) {
        this.keys.add(key);
        this.out.string(key, 2);
      } else {
        this.out.varuint(known * 2 + 1);
      }
      this.path.push(key);
      this.value(object[key]);
      this.path.pop();
    }
  }

  private array(array: readonly unknown[]): void {
    const length = array.length;
    if (length >= SPARSE_CHECK_FROM) {
      const keys = Object.keys(array);
      if (keys.length * 2 < length) {
        const indexes = keys.filter((key) => String(Number(key) >>> 0) === key);
        this.out.u8(Tag.SparseArray);
        this.out.varuint(length);
        this.out.varuint(indexes.length);
        for (const key of indexes) {
          this.out.varuint(Number(key));
          this.element(array, Number(key));
        }
        return;
      }
    }
    this.out.u8(Tag.Array);
    this.out.varuint(length);
    for (let index = 0; index < length; index += 1) {
      const item = array[index];
      if (item === undefined && !(index in array)) this.out.u8(Tag.Hole);
      else this.element(array, index);
    }
  }

  private element(array: readonly unknown[], index: number): void {
    this.path.push(index);
    this.value(array[index]);
    this.path.pop();
  }

  private fail(value: unknown): never {
    throw unsupportedValue(this.codec, formatPath(this.path), describeUnsupported(value));
  }
}
