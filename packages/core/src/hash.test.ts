import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
});
