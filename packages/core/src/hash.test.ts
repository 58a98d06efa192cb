import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { portableSha256Base64Url, sha256, sha256Base64Url } from './hash.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const nodeSha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

describe('sha256', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(hex(sha256(''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto around every padding boundary (0..200 bytes)', () => {
    for (let length = 0; length <= 200; length++) {
      const data = new Uint8Array(length).map((_, i) => (i * 31 + length) & 255);
      expect(hex(sha256(data)), `length ${length}`).toBe(nodeSha256(data).toString('hex'));
    }
  });

  it('matches node:crypto on a 1 MB input', () => {
    const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 7919) & 255);
    expect(hex(sha256(data))).toBe(nodeSha256(data).toString('hex'));
  });

  it('hashes strings as UTF-8', () => {
    const text = 'héllo 🌍 ключ';
    expect(hex(sha256(text))).toBe(nodeSha256(Buffer.from(text, 'utf8')).toString('hex'));
    expect(hex(sha256(text))).toBe(hex(sha256(new TextEncoder().encode(text))));
  });

  it('does not modify its input and gives the same digest on repeated calls', () => {
    const data = new Uint8Array([1, 2, 3]);
    const first = sha256(data);
    expect(sha256(data)).toEqual(first);
    expect([...data]).toEqual([1, 2, 3]);
    expect(first).not.toBe(sha256(data));
  });
});

describe('sha256Base64Url', () => {
  it('is the unpadded base64url of the digest', () => {
    for (const input of ['', 'abc', 'a'.repeat(1000), '\u{1F600}?>>>']) {
      const expected = nodeSha256(input).toString('base64url');
      expect(sha256Base64Url(input)).toBe(expected);
      expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(sha256Base64Url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('gives the same digest natively and in plain JavaScript (bytes, UTF-8, lone surrogates)', () => {
    const inputs: Array<Uint8Array | string> = ['', 'abc', 'héllo 🌍 ключ', 'lone \ud800 x'];
    for (let length = 0; length <= 130; length += 13) {
      inputs.push(new Uint8Array(length).map((_, i) => (i * 31 + length) & 255));
    }
    for (const input of inputs) {
      expect(sha256Base64Url(input)).toBe(portableSha256Base64Url(input));
    }
  });

  // Lone surrogates are the one place encoders could disagree: TextEncoder (the portable path)
  // and node:crypto's string conversion both write each as U+FFFD (EF BF BD).
  const surrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
  const unit = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), surrogate);

  it('agrees natively and in plain JavaScript on any string (non-ASCII, lone surrogates)', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), (text) => {
        expect(sha256Base64Url(text)).toBe(portableSha256Base64Url(text));
        expect(sha256Base64Url(text)).toBe(sha256Base64Url(new TextEncoder().encode(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees natively and in plain JavaScript on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(sha256Base64Url(bytes)).toBe(portableSha256Base64Url(bytes));
      }),
    );
  });

  it('hashes a lone surrogate as U+FFFD', () => {
    expect(sha256Base64Url('a\ud800b')).toBe(sha256Base64Url('a\ufffdb'));
    expect(portableSha256Base64Url('\udc00')).toBe(portableSha256Base64Url('\ufffd'));
  });

  it('uses node:crypto where the runtime has it, else plain JavaScript', async () => {
    const text = 'héllo \ud800 🌍';
    const refused = () => {
      throw new Error('not allowed');
    };
    const absent = [undefined, {}, { getBuiltinModule: () => ({}) }, { getBuiltinModule: refused }];
    const hashIn = async (runtime: unknown) => {
      vi.resetModules();
      vi.stubGlobal('process', runtime);
      try {
        return (await import('./hash.js')).sha256Base64Url(text);
      } finally {
        vi.unstubAllGlobals();
      }
    };
    for (const runtime of absent) {
      expect(await hashIn(runtime)).toBe(portableSha256Base64Url(text));
    }
    const hash = vi.fn(() => 'native digest');
    expect(await hashIn({ getBuiltinModule: () => ({ hash }) })).toBe('native digest');
    expect(hash).toHaveBeenCalledWith('sha256', text, 'base64url');
  });
});
