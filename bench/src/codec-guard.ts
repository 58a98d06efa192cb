/**
 * The rejecting pass that makes a third-party serializer as safe as routecache's codecs, so the
 * codec section compares like with like. node:v8, msgpackr and cbor-x all turn a class instance
 * into a plain object without a word, and msgpackr and cbor-x also lose -0, array holes,
 * null prototypes, lone surrogates and more: a codec built on one of them must walk the value
 * first and refuse what would come back different. `guardedCodec` runs that walk before every
 * encode, with the contract of the shipped codecs (`packages/core/src/codec/codec.test.ts`):
 * plain objects, exact built-ins, any real Date and Node Buffers are accepted; functions,
 * symbols, enumerable symbol keys and every other prototype are refused — plus, per library,
 * the cases it is known to lose (`Losses`, found by round-tripping that test file's cases).
 *
 * The walk builds no error path (rcb1 keeps one for its messages), so if anything it flatters
 * the libraries.
 */
import { type Codec, CodecError } from '@routecache/core';

/** What a serializer gets wrong silently; the guard refuses each case marked `true`. */
export interface Losses {
  /** `-0` comes back as `0`. */
  negativeZero?: boolean;
  /** Strings are written as strict UTF-8: a lone surrogate becomes U+FFFD. */
  loneSurrogates?: boolean;
  /** An array hole comes back as `undefined`. */
  holes?: boolean;
  /** A null-prototype object comes back with `Object.prototype`. */
  nullPrototype?: boolean;
  /** An own `__proto__` key is renamed or dropped. */
  protoKey?: boolean;
  /** A Date is written as float seconds: far from 1970 the milliseconds drift by one. */
  dateSeconds?: boolean;
  /** Built-ins it does not round-trip, by `Object.prototype.toString` tag, e.g. `ArrayBuffer`. */
  builtins?: readonly string[];
}

const BUILTINS: readonly (readonly [string, { prototype: object }])[] = [
  ['Array', Array],
  ['Date', Date],
  ['RegExp', RegExp],
  ['Map', Map],
  ['Set', Set],
  ['ArrayBuffer', ArrayBuffer],
  ['DataView', DataView],
  ['Int8Array', Int8Array],
  ['Uint8Array', Uint8Array],
  ['Uint8ClampedArray', Uint8ClampedArray],
  ['Int16Array', Int16Array],
  ['Uint16Array', Uint16Array],
  ['Int32Array', Int32Array],
  ['Uint32Array', Uint32Array],
  ['Float32Array', Float32Array],
  ['Float64Array', Float64Array],
  ['BigInt64Array', BigInt64Array],
  ['BigUint64Array', BigUint64Array],
  ['Number', Number],
  ['String', String],
  ['Boolean', Boolean],
];

const dateGetTime = Date.prototype.getTime;
// ES2024, on Node 20 but not in this repo's ES2023 lib.
const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean })
  .isWellFormed;

function isRealDate(value: object): boolean {
  try {
    dateGetTime.call(value);
    return true;
  } catch {
    return false;
  }
}

/** Whether the walk meets this container for the first time (cycles and shared references). */
function first(value: object, seen: Set<object>): boolean {
  if (seen.has(value)) return false;
  seen.add(value);
  return true;
}

function refuse(codec: string, what: string): never {
  throw new CodecError(
    'ROUTECACHE_CODEC_UNSUPPORTED_VALUE',
    `Codec "${codec}" cannot encode ${what}`,
  );
}

/** The walk for one serializer: accepts exactly what it round-trips, refuses the rest. */
class Guard {
  private readonly tags: ReadonlyMap<unknown, string>;
  // Copied out of `losses` so each check on the hot path is one field read.
  private readonly negativeZero: boolean;
  private readonly loneSurrogates: boolean;
  private readonly holes: boolean;
  private readonly nullPrototype: boolean;
  private readonly protoKey: boolean;
  private readonly dateSeconds: boolean;

  constructor(
    private readonly codec: string,
    losses: Losses,
  ) {
    this.negativeZero = losses.negativeZero === true;
    this.loneSurrogates = losses.loneSurrogates === true;
    this.holes = losses.holes === true;
    this.nullPrototype = losses.nullPrototype === true;
    this.protoKey = losses.protoKey === true;
    this.dateSeconds = losses.dateSeconds === true;
    const lost = new Set(losses.builtins);
    this.tags = new Map(
      BUILTINS.filter(([tag]) => !lost.has(tag)).map(([tag, ctor]) => [ctor.prototype, tag]),
    );
  }

  check(value: unknown, seen: Set<object>): void {
    switch (typeof value) {
      case 'function':
      case 'symbol':
        refuse(this.codec, `a ${typeof value}`);
        break;
      case 'number':
        if (this.negativeZero && value === 0 && 1 / value < 0) refuse(this.codec, '-0');
        return;
      case 'string':
        this.string(value);
        return;
      case 'object':
        if (value !== null) this.object(value, seen);
        return;
    }
  }

  private string(value: string): void {
    if (this.loneSurrogates && !isWellFormed.call(value)) {
      refuse(this.codec, 'a lone surrogate');
    }
  }

  private object(value: object, seen: Set<object>): void {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      if (proto === null && this.nullPrototype) refuse(this.codec, 'a null prototype');
      if (first(value, seen)) this.properties(value as Record<string, unknown>, seen);
      return;
    }
    const tag =
      this.tags.get(proto) ??
      (Buffer.isBuffer(value) ? 'Uint8Array' : isRealDate(value) ? 'Date' : undefined);
    switch (tag) {
      case undefined:
        refuse(this.codec, 'a class instance');
        break;
      case 'Array':
        if (first(value, seen)) this.array(value as readonly unknown[], seen);
        return;
      case 'Map':
        if (!first(value, seen)) return;
        for (const [key, entry] of value as Map<unknown, unknown>) {
          this.check(key, seen);
          this.check(entry, seen);
        }
        return;
      case 'Set':
        if (!first(value, seen)) return;
        for (const member of value as Set<unknown>) this.check(member, seen);
        return;
      case 'Date':
        if (this.dateSeconds) this.date(value as Date);
        return;
    }
  }

  private date(value: Date): void {
    // The decoder's own arithmetic: Math.round(seconds * 1000).
    const time = dateGetTime.call(value);
    if (Math.round((time / 1000) * 1000) !== time && !Number.isNaN(time)) {
      refuse(this.codec, 'a Date this far from 1970');
    }
  }

  private properties(object: Record<string, unknown>, seen: Set<object>): void {
    const symbols = Object.getOwnPropertySymbols(object);
    if (
      symbols.length > 0 &&
      symbols.some((s) => Object.prototype.propertyIsEnumerable.call(object, s))
    ) {
      refuse(this.codec, 'symbol keys');
    }
    for (const key of Object.keys(object)) {
      if (this.protoKey && key === '__proto__') refuse(this.codec, 'a __proto__ key');
      this.string(key);
      this.check(object[key], seen);
    }
  }

  private array(array: readonly unknown[], seen: Set<object>): void {
    for (let index = 0; index < array.length; index += 1) {
      const item = array[index];
      if (item === undefined && this.holes && !(index in array)) {
        refuse(this.codec, 'an array hole');
      }
      this.check(item, seen);
    }
  }
}

/**
 * A codec that runs the guard walk, then `encode`; `decode` is the serializer's own.
 *
 * @example
 * ```ts
 * const codec = guardedCodec('msgpackr + guard', (v) => packr.pack(v), (b) => unpackr.unpack(b), {
 *   negativeZero: true,
 * });
 * ```
 */
export function guardedCodec(
  id: string,
  encode: (value: unknown) => Uint8Array,
  decode: (bytes: Uint8Array) => unknown,
  losses: Losses = {},
): Codec {
  const guard = new Guard(id, losses);
  return {
    id,
    encode(value) {
      guard.check(value, new Set());
      return encode(value);
    },
    decode,
  };
}
