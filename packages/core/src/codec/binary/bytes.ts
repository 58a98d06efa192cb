import { codeUnitAt } from '../../code-unit.js';

/**
 * Byte-level reader and writer of the binary codec: varints, float64, and strings as WTF-8
 * (UTF-8 that also carries lone surrogates, so every JS string round-trips exactly).
 */

/**
 * Texts this long or longer are written by `TextEncoder.encodeInto`: one native call instead of
 * a JavaScript read per code unit, which V8 does not inline in this loop (fill under callgrind:
 * 136 `String.prototype.charCodeAt` builtin calls per 200 B value, about 9k instructions).
 */
const ENCODE_INTO_UNITS = 16;
const utf8Encoder = new TextEncoder();
/**
 * `String.prototype.isWellFormed` (ES2024; every runtime the package supports has it: Node 20,
 * workerd), taken at load as code-unit.ts takes `charCodeAt`, and called once per long text.
 */
const isWellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean })
  .isWellFormed;

/** A scratch buffer grown past this is dropped when reset, so one large value pins nothing. */
const MAX_KEPT_SCRATCH = 64 * 1024;
const INITIAL_SIZE = 1024;

/**
 * @internal A growable output buffer, meant to be reused: {@link ByteWriter.finish} copies out
 * exactly the bytes written and {@link ByteWriter.reset} starts over in the same buffer, so a
 * writer kept across encodes allocates only the result.
 *
 * @example
 * ```ts
 * const out = new ByteWriter();
 * out.string('hi');
 * out.finish(); // Uint8Array [2, 104, 105]
 * out.reset();
 * ```
 */
export class ByteWriter {
  bytes = new Uint8Array(INITIAL_SIZE);
  length = 0;
  private view = new DataView(this.bytes.buffer);

  /** Empty the writer for the next payload (a buffer grown large is let go). */
  reset(): void {
    this.length = 0;
    if (this.bytes.length > MAX_KEPT_SCRATCH) {
      this.bytes = new Uint8Array(INITIAL_SIZE);
      this.view = new DataView(this.bytes.buffer);
    }
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  /** Unsigned LEB128; `value` is a non-negative integer below 2^53. */
  varuint(value: number): void {
    this.ensure(8);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.bytes[this.length++] = rest;
  }

  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
  }

  raw(chunk: Uint8Array): void {
    this.ensure(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  /**
   * Varint (byte length × `lengthScale`) + WTF-8 bytes, with no allocation for a short text. The
   * scale lets object keys keep a flag in the low bit (see encode.ts). A text of
   * {@link ENCODE_INTO_UNITS} code units or more without a lone surrogate is written by
   * `TextEncoder.encodeInto` (its UTF-8 is its WTF-8); a shorter one, or one with a lone
   * surrogate, by {@link ByteWriter.wtf8}.
   */
  string(text: string, lengthScale = 1): void {
    const units = text.length;
    // Room for the longest prefix too, so writing it below never reallocates under our feet.
    this.ensure(8 + units * 3);
    const start = this.length;
    // Optimistically reserve a length prefix sized for all-ASCII text; fix it up if it is not.
    const reserved = varuintSize(units * lengthScale);
    const at = start + reserved;
    const byteLength =
      units >= ENCODE_INTO_UNITS && isWellFormed.call(text)
        ? utf8Encoder.encodeInto(text, this.bytes.subarray(at)).written
        : this.wtf8(text, at);
    const needed = varuintSize(byteLength * lengthScale);
    if (needed !== reserved) this.bytes.copyWithin(start + needed, at, at + byteLength);
    this.length = start;
    this.varuint(byteLength * lengthScale);
    this.length = start + needed + byteLength;
  }

  /** Write `text` as WTF-8 at `offset` (room checked by the caller); returns the bytes written. */
  private wtf8(text: string, offset: number): number {
    const bytes = this.bytes;
    let at = offset;
    for (let index = 0; index < text.length; index += 1) {
      const unit = codeUnitAt(text, index);
      if (unit < 0x80) {
        bytes[at++] = unit;
        continue;
      }
      if (unit < 0x800) {
        bytes[at++] = 0xc0 | (unit >> 6);
        bytes[at++] = 0x80 | (unit & 0x3f);
        continue;
      }
      const next = codeUnitAt(text, index + 1);
      if (unit >= 0xd800 && unit < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
        const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        bytes[at++] = 0xf0 | (point >> 18);
        bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
        bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
        bytes[at++] = 0x80 | (point & 0x3f);
        index += 1;
        continue;
      }
      // Any other BMP unit, including a lone surrogate (WTF-8): three bytes.
      bytes[at++] = 0xe0 | (unit >> 12);
      bytes[at++] = 0x80 | ((unit >> 6) & 0x3f);
      bytes[at++] = 0x80 | (unit & 0x3f);
    }
    return at - offset;
  }

  /** A copy of the bytes written, exactly as long as they are. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** The bytes written, in place: valid until the writer is written to again. */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

function varuintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size += 1;
  return size;
}

/**
 * @internal Thrown for bytes the reader cannot make sense of; the codec wraps it.
 *
 * @example
 * ```ts
 * if (tag > Tag.Boxed) throw new MalformedError('unknown tag');
 * ```
 */
export class MalformedError extends Error {}

/** @internal Throw a {@link MalformedError}; typed `never` so it also ends expressions. */
export const malformed = (what: string): never => {
  throw new MalformedError(what);
};

// Below this many bytes a JS loop beats the fixed cost of a TextDecoder call.
const NATIVE_DECODE_FROM = 24;
// ignoreBOM: a string that starts with U+FEFF must keep it.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * @internal A bounds-checked cursor over encoded bytes.
 *
 * @example
 * ```ts
 * new ByteReader(new Uint8Array([2, 104, 105])).string(); // 'hi'
 * ```
 */
export class ByteReader {
  offset = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(): number {
    if (this.offset >= this.bytes.length) malformed('unexpected end');
    return this.bytes[this.offset++] as number;
  }

  varuint(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 8; shift += 1) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    return malformed('varint too long');
  }

  /** A length that must fit in what is left (each counted item takes at least `unit` bytes). */
  length(unit = 1): number {
    const value = this.varuint();
    if (value * unit > this.remaining) malformed('length past the end');
    return value;
  }

  f64(): number {
    if (this.remaining < 8) malformed('unexpected end');
    const value = this.view.getFloat64(this.offset);
    this.offset += 8;
    return value;
  }

  raw(byteLength: number): Uint8Array<ArrayBuffer> {
    const chunk = this.bytes.slice(this.offset, this.offset + byteLength);
    this.offset += byteLength;
    return chunk;
  }

  string(): string {
    return this.stringOf(this.length());
  }

  /** The next `byteLength` bytes as a string (WTF-8). */
  stringOf(byteLength: number): string {
    if (byteLength > this.remaining) malformed('string past the end');
    const end = this.offset + byteLength;
    if (end - this.offset > NATIVE_DECODE_FROM) {
      try {
        const text = utf8Decoder.decode(this.bytes.subarray(this.offset, end));
        this.offset = end;
        return text;
      } catch {
        // Not strict UTF-8: a lone surrogate written as WTF-8. The loop below keeps it.
      }
    }
    const bytes = this.bytes;
    let text = '';
    let at = this.offset;
    while (at < end) {
      const lead = bytes[at++] as number;
      if (lead < 0x80) {
        text += String.fromCharCode(lead);
      } else if (lead < 0xe0) {
        text += String.fromCharCode(((lead & 0x1f) << 6) | continuation(bytes, at++, end));
      } else if (lead < 0xf0) {
        const high = ((lead & 0x0f) << 12) | (continuation(bytes, at++, end) << 6);
        text += String.fromCharCode(high | continuation(bytes, at++, end));
      } else {
        let point = (lead & 0x07) << 18;
        point |= continuation(bytes, at++, end) << 12;
        point |= continuation(bytes, at++, end) << 6;
        point |= continuation(bytes, at++, end);
        if (point > 0x10ffff) malformed('bad code point');
        text += String.fromCodePoint(point);
      }
    }
    this.offset = end;
    return text;
  }
}

function continuation(bytes: Uint8Array, at: number, end: number): number {
  if (at >= end) malformed('truncated character');
  return (bytes[at] as number) & 0x3f;
}
