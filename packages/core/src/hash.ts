/**
 * SHA-256 (FIPS 180-4), synchronous on every runtime, so keys and ETags are derived the same way
 * on Node and on Web-standard runtimes (whose `crypto.subtle` is asynchronous only): node:crypto's
 * one-shot `hash` where the runtime has it (Node ≥ 20.16, workerd with `nodejs_compat`), reached
 * through `process.getBuiltinModule` so the module has no `node:` import, else plain JavaScript.
 * Both give the same digest, so instances on different runtimes agree on every key and ETag.
 */

// First 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 §4.2.2).
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// Initial hash value (FIPS 180-4 §5.3.3).
const H0 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// Scratch state reused across calls: hashing is synchronous, so calls never interleave.
const W = new Int32Array(64);
const H = new Int32Array(8);
const TAIL = new Uint8Array(128);
const encoder = new TextEncoder();

/** Mix the 64-byte block of `bytes` starting at `offset` into `H`. */
function compress(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] =
      ((bytes[j] as number) << 24) |
      ((bytes[j + 1] as number) << 16) |
      ((bytes[j + 2] as number) << 8) |
      (bytes[j + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15] as number;
    const w2 = W[i - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
  }
  let a = H[0] as number;
  let b = H[1] as number;
  let c = H[2] as number;
  let d = H[3] as number;
  let e = H[4] as number;
  let f = H[5] as number;
  let g = H[6] as number;
  let h = H[7] as number;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + (K[i] as number) + (W[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = ((H[0] as number) + a) | 0;
  H[1] = ((H[1] as number) + b) | 0;
  H[2] = ((H[2] as number) + c) | 0;
  H[3] = ((H[3] as number) + d) | 0;
  H[4] = ((H[4] as number) + e) | 0;
  H[5] = ((H[5] as number) + f) | 0;
  H[6] = ((H[6] as number) + g) | 0;
  H[7] = ((H[7] as number) + h) | 0;
}

/**
 * The SHA-256 digest of `data` (32 bytes). Strings are hashed as their UTF-8 encoding (lone
 * surrogates become U+FFFD, as `TextEncoder` does).
 *
 * @example
 * ```ts
 * sha256('abc'); // Uint8Array [0xba, 0x78, 0x16, 0xbf, …]
 * ```
 */
export function sha256(data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const length = bytes.length;
  H.set(H0);
  const whole = length - (length % 64);
  for (let offset = 0; offset < whole; offset += 64) compress(bytes, offset);

  // Padding (§5.1.1): the remaining bytes, 0x80, zeros, then the bit length as 64-bit big-endian.
  const rest = length - whole;
  TAIL.fill(0);
  TAIL.set(bytes.subarray(whole), 0);
  TAIL[rest] = 0x80;
  const tailLength = rest < 56 ? 64 : 128;
  // Bit length = length * 8, split so lengths above 2^29 bytes keep their high bits.
  const high = Math.floor(length / 0x20000000);
  const low = (length << 3) >>> 0;
  TAIL[tailLength - 8] = high >>> 24;
  TAIL[tailLength - 7] = high >>> 16;
  TAIL[tailLength - 6] = high >>> 8;
  TAIL[tailLength - 5] = high;
  TAIL[tailLength - 4] = low >>> 24;
  TAIL[tailLength - 3] = low >>> 16;
  TAIL[tailLength - 2] = low >>> 8;
  TAIL[tailLength - 1] = low;
  compress(TAIL, 0);
  if (tailLength === 128) compress(TAIL, 64);

  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = H[i] as number;
    digest[i * 4] = word >>> 24;
    digest[i * 4 + 1] = word >>> 16;
    digest[i * 4 + 2] = word >>> 8;
    digest[i * 4 + 3] = word;
  }
  return digest;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url (RFC 4648 §5) of `bytes`. */
function base64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      BASE64URL.charAt(n >>> 18) +
      BASE64URL.charAt((n >>> 12) & 63) +
      BASE64URL.charAt((n >>> 6) & 63) +
      BASE64URL.charAt(n & 63);
  }
  const left = bytes.length - i;
  if (left > 0) {
    const n = ((bytes[i] as number) << 16) | (left === 2 ? (bytes[i + 1] as number) << 8 : 0);
    out += BASE64URL.charAt(n >>> 18) + BASE64URL.charAt((n >>> 12) & 63);
    if (left === 2) out += BASE64URL.charAt((n >>> 6) & 63);
  }
  return out;
}

/**
 * @internal The SHA-256 digest of `data` as unpadded base64url in plain JavaScript: what
 * {@link sha256Base64Url} computes where the runtime has no native one-shot hash. Exported for
 * the test that checks both agree.
 *
 * @example
 * ```ts
 * portableSha256Base64Url('abc'); // 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 * ```
 */
export function portableSha256Base64Url(data: Uint8Array | string): string {
  return base64Url(sha256(data));
}

/** node:crypto's one-shot `hash` (Node ≥ 20.12), when this runtime provides it. */
type NativeHash = (algorithm: 'sha256', data: Uint8Array | string, encoding: 'base64url') => string;

function nativeHash(): NativeHash | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  try {
    const crypto = runtime?.getBuiltinModule?.('node:crypto') as { hash?: unknown } | undefined;
    return typeof crypto?.hash === 'function' ? (crypto.hash as NativeHash) : undefined;
  } catch {
    return undefined; // a runtime that refuses the module: the portable digest serves
  }
}

const native = nativeHash();

/**
 * The SHA-256 digest of `data` as unpadded base64url: always 43 characters from
 * `[A-Za-z0-9_-]`, safe in keys, URLs and ETags. Strings are hashed as UTF-8 (lone surrogates as
 * U+FFFD). Native where the runtime has it (4× faster on 200 bytes), else plain JavaScript.
 *
 * @example
 * ```ts
 * sha256Base64Url('abc'); // 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 * ```
 */
export function sha256Base64Url(data: Uint8Array | string): string {
  return native === undefined ? portableSha256Base64Url(data) : native('sha256', data, 'base64url');
}
