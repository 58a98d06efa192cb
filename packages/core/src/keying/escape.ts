import { codeUnitAt } from '../code-unit.js';

/**
 * Text escaping shared by the key builders. Two forms:
 *
 * - {@link quote}: a JSON string literal (`"a\"b"`), used inside canonical inputs and variant
 *   digests. Self-delimiting, and JSON escapes lone surrogates, so distinct strings stay distinct
 *   even after UTF-8 encoding (which would turn every lone surrogate into U+FFFD).
 * - {@link escapeText}: percent-escaping for the human-readable fields of a key (namespace, route
 *   id, custom key). Only the characters the key grammar reserves are escaped, so ordinary text
 *   stays readable: `%` → `%25`, `|` → `%7C`, `#` → `%23`, `~` → `%7E`, optionally `:` → `%3A`,
 *   and a lone surrogate → `%uD800`-style. After escaping, a field never holds a raw reserved
 *   character, so separators cannot be forged.
 */

/**
 * @internal What a key builder learns from the texts it quotes and escapes: `wide` is set once
 * one went through a slow path below and may hold non-ASCII characters. While it is unset,
 * every character of the key is ASCII and its UTF-8 length is its string length, with no scan
 * (counting would flatten the concatenated key, which costs more than building it).
 *
 * @example
 * ```ts
 * const facts: TextFacts = { wide: false };
 * const key = `${escapeText(route, false, facts)}|${quote(text, facts)}`;
 * const ascii = !facts.wide; // then utf8 bytes === key.length
 * ```
 */
export interface TextFacts {
  wide: boolean;
}

/**
 * @internal `text` as a JSON string literal. Skips `JSON.stringify` for the common case of text
 * that needs no escaping (printable ASCII without quotes or backslashes).
 *
 * @example
 * ```ts
 * quote('abc'); // '"abc"'
 * quote('a"\ud800'); // '"a\"\ud800"'
 * ```
 */
export function quote(text: string, facts?: TextFacts): string {
  return `"${quotedText(text, facts)}"`;
}

/**
 * @internal What {@link quote} writes between the quotes: `text` itself unless it holds a
 * character JSON escapes. For writers that append the quotes with what surrounds them.
 *
 * @example
 * ```ts
 * quotedText('abc'); // 'abc'
 * quotedText('a"b'); // 'a\"b'
 * ```
 */
export function quotedText(text: string, facts?: TextFacts): string {
  return NOT_PLAIN_JSON.test(text) ? quotedSlow(text, facts) : text;
}

/*
 * The fast checks below are regular expressions, not `charCodeAt` loops: once any code in the
 * process declares a subclass of `String` (ioredis 6 does, for RESP3 verbatim strings), V8 no
 * longer inlines String.prototype methods, and a `charCodeAt` loop cost an engine hit +55% of
 * its instructions (8.7k → 13.5k per call; a RegExp test is not affected). Slow paths keep
 * their loops, over `codeUnitAt` (code-unit.ts), which the subclass does not slow either: they
 * run only for text that needs escaping.
 */
/**
 * A character `quote` cannot write as is: a control, `"`, `\`, or anything past ASCII — that
 * is, anything but space to `~` without `"` (0x22) and `\` (0x5c).
 */
const NOT_PLAIN_JSON = /[^ !#-[\]-~]/;

function quotedSlow(text: string, facts: TextFacts | undefined): string {
  if (facts !== undefined) facts.wide = true;
  for (let i = 0; i < text.length; i++) {
    const c = codeUnitAt(text, i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return JSON.stringify(text).slice(1, -1);
    }
  }
  return text;
}

/** A reserved character (`%`, `|`, `#`, `~`) or one past ASCII, which may be a lone surrogate. */
const NOT_PLAIN_FIELD = /[%|#~\u007f-\uffff]/;
/** {@link NOT_PLAIN_FIELD}, and `:`. */
const NOT_PLAIN_FIELD_COLON = /[%|#~:\u007f-\uffff]/;

const PERCENT = 0x25;
const PIPE = 0x7c;
const HASH = 0x23;
const TILDE = 0x7e;
const COLON = 0x3a;

function isReserved(c: number, colon: boolean): boolean {
  return (
    c === PERCENT ||
    c === PIPE ||
    c === HASH ||
    c === TILDE ||
    (colon && c === COLON) ||
    (c >= 0xd800 && c <= 0xdfff)
  );
}

/**
 * @internal Percent-escape the characters reserved by the key grammar (see the module comment).
 * Returns `text` itself when nothing needs escaping. `colon` also escapes `:`, the separator
 * between namespace parts; `facts` is told when `text` may hold non-ASCII characters.
 *
 * @example
 * ```ts
 * escapeText('users.get', false); // 'users.get'
 * escapeText('a:b|c', true); // 'a%3Ab%7Cc'
 * ```
 */
export function escapeText(text: string, colon: boolean, facts?: TextFacts): string {
  if (!(colon ? NOT_PLAIN_FIELD_COLON : NOT_PLAIN_FIELD).test(text)) return text;
  if (facts !== undefined) facts.wide = true;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = codeUnitAt(text, i);
    if (!isReserved(c, colon)) {
      out += text[i];
    } else if (c < 0xd800) {
      out += `%${c.toString(16).toUpperCase()}`;
    } else {
      const next = codeUnitAt(text, i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        // A well-formed surrogate pair is ordinary text.
        out += text.slice(i, i + 2);
        i++;
      } else {
        out += `%u${c.toString(16).toUpperCase()}`;
      }
    }
  }
  return out;
}

/**
 * @internal Exact UTF-8 length of `text` (a lone surrogate counts as the 3 bytes of U+FFFD).
 *
 * @example
 * ```ts
 * utf8ByteLength('é😀'); // 6
 * ```
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = codeUnitAt(text, i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = codeUnitAt(text, i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
