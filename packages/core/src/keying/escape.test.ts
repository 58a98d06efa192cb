import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeText, quote, utf8ByteLength } from './escape.js';

const anyString = fc.string({ unit: 'binary' });
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
});

describe('escapeText', () => {
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
