import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeText, quote, utf8ByteLength } from './escape.js';

const anyString = fc.string({ unit: 'binary' });
/** Every UTF-16 code unit, one string each (the fast checks are per character). */
const everyUnit = Array.from({ length: 0x10000 }, (_, unit) => String.fromCharCode(unit));
const lone = (text: string) =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('quote', () => {
  it('equals JSON.stringify for any string', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(quote(text)).toBe(JSON.stringify(text));
      }),
    );
  });

  it('equals JSON.stringify for every single code unit, and flags every non-ASCII one', () => {
    for (const text of everyUnit) {
      const facts = { wide: false };
      expect(quote(text, facts)).toBe(JSON.stringify(text));
      if (text.charCodeAt(0) >= 0x80) expect(facts.wide).toBe(true);
    }
  });
});

describe('escapeText', () => {
  it('escapes exactly the reserved code units, and flags every non-ASCII one', () => {
    const reserved = (unit: number, colon: boolean) =>
      '%|#~'.includes(String.fromCharCode(unit)) || (colon && unit === 0x3a);
    for (const text of everyUnit) {
      const unit = text.charCodeAt(0);
      for (const colon of [false, true]) {
        const facts = { wide: false };
        const escaped = escapeText(text, colon, facts);
        const hex = unit.toString(16).toUpperCase();
        if (unit >= 0xd800 && unit <= 0xdfff) expect(escaped).toBe(`%u${hex}`);
        else expect(escaped).toBe(reserved(unit, colon) ? `%${hex}` : text);
        if (unit >= 0x80) expect(facts.wide).toBe(true);
      }
    }
  });

  it('leaves ordinary text alone', () => {
    expect(escapeText('users.get', true)).toBe('users.get');
    expect(escapeText('héllo 😀', false)).toBe('héllo 😀');
  });

  it('escapes reserved characters and lone surrogates', () => {
    expect(escapeText('%|#~:', true)).toBe('%25%7C%23%7E%3A');
    expect(escapeText('a:b', false)).toBe('a:b');
    expect(escapeText('\ud800x\udc00', false)).toBe('%uD800x%uDC00');
  });

  it('is injective and leaves no reserved character or lone surrogate', () => {
    fc.assert(
      fc.property(anyString, anyString, fc.boolean(), (a, b, colon) => {
        const ea = escapeText(a, colon);
        expect(ea === escapeText(b, colon)).toBe(a === b);
        expect(ea).not.toMatch(colon ? /[|#~:]/ : /[|#~]/);
        expect(lone(ea)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('utf8ByteLength', () => {
  it('matches Buffer.byteLength, lone surrogates included', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 2000 },
    );
  });
});
