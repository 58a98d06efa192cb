import { InvalidOptionError } from '../errors.js';
import { received } from '../options/validate.js';

/**
 * Send one purge request; rejects unless the CDN answers 2xx (its status and the start of its
 * body in the message). The body is always read, so the connection is released.
 *
 * @internal
 * @example
 * ```ts
 * await sendPurge('http://127.0.0.1:6081/', { method: 'PURGE', headers: { xkey: 'a b' } }, signal);
 * ```
 */
export async function sendPurge(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
): Promise<string> {
  const response = await fetch(url, { ...init, signal });
  const body = await response.text();
  if (!response.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${url} answered ${response.status}: ${body.slice(0, 200)}`,
    );
  }
  return body;
}

/**
 * Split `keys` into groups of at most `count` keys whose `separator`-joined length is at most
 * `maxLength` characters (CDNs cap both a purge's key count and its header length).
 *
 * @internal
 * @example
 * ```ts
 * chunkKeys(['a', 'b', 'c'], 2, 100, ' '); // [['a', 'b'], ['c']]
 * ```
 */
export function chunkKeys(
  keys: readonly string[],
  count: number,
  maxLength: number,
  separator: string,
): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let length = 0;
  for (const key of keys) {
    const joined = length + separator.length + key.length;
    if (chunk.length > 0 && (chunk.length === count || joined > maxLength)) {
      chunks.push(chunk);
      chunk = [];
    }
    length = chunk.length === 0 ? key.length : joined;
    chunk.push(key);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Check an `http:`/`https:` URL option; returns it without a trailing slash.
 *
 * @internal
 * @throws {InvalidOptionError} naming `option`.
 * @example
 * ```ts
 * urlOption('endpoint', 'https://api.fastly.com/'); // 'https://api.fastly.com'
 * ```
 */
export function urlOption(option: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidOptionError(option, `must be an http(s) URL, ${received(value)}`, {
      context: { value },
    });
  }
  return String(value).replace(/\/+$/, '');
}

/**
 * Check a non-empty string option (an id, a token).
 *
 * @internal
 * @throws {InvalidOptionError} naming `option`.
 * @example
 * ```ts
 * stringOption('serviceId', options.serviceId);
 * ```
 */
export function stringOption(option: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw new InvalidOptionError(option, `must be a non-empty string, ${received(value)}`);
}
