import { optionKeys, optionsObject } from '../options/validate.js';
import { chunkKeys, sendPurge, stringOption, urlOption } from './http.js';
import type { Purger } from './purges.js';

/**
 * Options of {@link cloudflarePurger}.
 *
 * @example
 * ```ts
 * const options: CloudflarePurgerOptions = { zoneId: '023e105f4ecef8ad9ca31a8372d0c353', token: process.env.CF_TOKEN ?? '' };
 * ```
 */
export interface CloudflarePurgerOptions {
  /** The zone whose cache is purged. */
  zoneId: string;
  /** An API token with the Cache Purge permission, sent as `Authorization: Bearer …`. */
  token: string;
  /** The API base URL. @default 'https://api.cloudflare.com/client/v4' */
  endpoint?: string;
}

/** Cloudflare's limit of tags per purge-by-tag request. */
const MAX_TAGS = 30;

const KNOWN = optionKeys<CloudflarePurgerOptions>({ zoneId: true, token: true, endpoint: true });

/**
 * A purger for Cloudflare: `POST /zones/{zoneId}/purge_cache` with `{"tags": [...]}` (at most
 * 30 a request), authenticated with a bearer token; an answer whose JSON says
 * `"success": false` is a failure. A thin HTTP client: its request shape is tested against a
 * local server, not against Cloudflare itself.
 *
 * @throws {InvalidOptionError} when `zoneId` or `token` is missing or `endpoint` is no URL.
 * @example
 * ```ts
 * import { cloudflarePurger } from '@routecache/core/cdn';
 *
 * createCache({ purger: cloudflarePurger({ zoneId: '023e105f4ecef8ad9ca31a8372d0c353', token: process.env.CF_TOKEN! }) });
 * ```
 */
export function cloudflarePurger(options: CloudflarePurgerOptions): Purger {
  optionsObject(options, KNOWN);
  const zoneId = encodeURIComponent(stringOption('zoneId', options.zoneId));
  const token = stringOption('token', options.token);
  const endpoint = urlOption(
    'endpoint',
    options.endpoint ?? 'https://api.cloudflare.com/client/v4',
  );
  const url = `${endpoint}/zones/${zoneId}/purge_cache`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return async function purgeCloudflare(keys, signal) {
    const chunks = chunkKeys(keys, MAX_TAGS, Number.POSITIVE_INFINITY, ',');
    await Promise.all(
      chunks.map(async (tags) => {
        const body = await sendPurge(
          url,
          { method: 'POST', headers, body: JSON.stringify({ tags }) },
          signal,
        );
        if (!succeeded(body))
          throw new Error(`Cloudflare refused the purge: ${body.slice(0, 200)}`);
      }),
    );
  };
}

function succeeded(body: string): boolean {
  try {
    return (JSON.parse(body) as { success?: unknown }).success === true;
  } catch {
    return false;
  }
}
