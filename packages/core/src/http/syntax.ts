import { codeUnitAt } from '../code-unit.js';

/**
 * Character-level grammar shared by the HTTP helpers (RFC 9110 §5.6). Every check here is a
 * constant-time lookup on one char code, so the parsers built on it scan in linear time — no
 * regular expression, no backtracking, whatever a client sends.
 *
 * @internal Used by the other `http/` modules; not part of the public index.
 */

const SP = 0x20;
const HTAB = 0x09;

/**
 * RFC 9110 §5.6.3: `OWS = *( SP / HTAB )`.
 *
 * @example
 * ```ts
 * isOws(' '.charCodeAt(0)); // true
 * ```
 */
export function isOws(code: number): boolean {
  return code === SP || code === HTAB;
}

/**
 * RFC 9110 §5.6.2: `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" /
 * "_" / "`" / "|" / "~" / DIGIT / ALPHA`.
 *
 * @example
 * ```ts
 * isTokenChar('-'.charCodeAt(0)); // true
 * isTokenChar(','.charCodeAt(0)); // false
 * ```
 */
export function isTokenChar(code: number): boolean {
  if (code >= 0x30 && code <= 0x39) return true; // DIGIT
  if (code >= 0x41 && code <= 0x5a) return true; // upper ALPHA
  if (code >= 0x61 && code <= 0x7a) return true; // lower ALPHA
  switch (code) {
    case 0x21: // !
    case 0x23: // #
    case 0x24: // $
    case 0x25: // %
    case 0x26: // &
    case 0x27: // '
    case 0x2a: // *
    case 0x2b: // +
    case 0x2d: // -
    case 0x2e: // .
    case 0x5e: // ^
    case 0x5f: // _
    case 0x60: // `
    case 0x7c: // |
    case 0x7e: // ~
      return true;
    default:
      return false;
  }
}

/**
 * RFC 9110 §5.6.2: `token = 1*tchar`.
 *
 * @example
 * ```ts
 * isToken('accept-language'); // true
 * isToken('accept language'); // false
 * ```
 */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    if (!isTokenChar(codeUnitAt(value, i))) return false;
  }
  return true;
}

/**
 * RFC 9110 §8.8.3: `etagc = %x21 / %x23-7E / obs-text` (any visible byte except `"`;
 * `obs-text = %x80-FF`). Header values are byte strings, so code points above 0xFF never qualify.
 *
 * @example
 * ```ts
 * isEtagChar(','.charCodeAt(0)); // true — commas are legal inside an opaque tag
 * isEtagChar('"'.charCodeAt(0)); // false
 * ```
 */
export function isEtagChar(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}
