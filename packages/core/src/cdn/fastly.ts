import { optionKeys, optionsObject } from '../options/validate.js';
import { chunkKeys, sendPurge, stringOption, urlOption } from './http.js';
import type { Purger } from './purges.js';

/**
 * Options of {@link fastlyPurger}.
 *
 * @example
 * ```ts
 * const options: FastlyPurgerOptions = { serviceId: 'SU1Z0isxPaozGVKXdv0eY', token: process.env.FASTLY_TOKEN ?? '' };
 * ```
 */
export interface FastlyPurgerOptions {
  /** The Fastly service whose cache is purged. */
  serviceId: string;
  /** An API token with `purge_select` scope, sent as `Fastly-Key`. */
  token: string;
  /** Soft purge (`Fastly-Soft-Purge: 1`): mark stale instead of removing. @default false */
  soft?: boolean;
  /** The API base URL. @default 'https://api.fastly.com' */
  endpoint?: string;
}

/** Fastly's limit of surrogate keys per purge request. */
const MAX_KEYS = 256;

const KNOWN = optionKeys<FastlyPurgerOptions>({
  serviceId: true,
  token: true,
  soft: true,
  endpoint: true,
});

/**
 * A purger for Fastly: `POST /service/{serviceId}/purge` with `{"surrogate_keys": [...]}`
 * (at most 256 keys a request), authenticated with `Fastly-Key`. A thin HTTP client: its
 * request shape is tested against a local server, not against Fastly itself.
 *
 * @throws {InvalidOptionError} when `serviceId` or `token` is missing or `endpoint` is no URL.
 * @example
 * ```ts
 * import { fastlyPurger } from '@routecache/core/cdn';
 *
 * createCache({ purger: fastlyPurger({ serviceId: 'SU1Z0isxPaozGVKXdv0eY', token: process.env.FASTLY_TOKEN! }) });
 * ```
 */
export function fastlyPurger(options: FastlyPurgerOptions): Purger {
  optionsObject(options, KNOWN);
  const serviceId = encodeURIComponent(stringOption('serviceId', options.serviceId));
  const token = stringOption('token', options.token);
  const endpoint = urlOption('endpoint', options.endpoint ?? 'https://api.fastly.com');
  const url = `${endpoint}/service/${serviceId}/purge`;
  const headers: Record<string, string> = {
    'fastly-key': token,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (options.soft === true) headers['fastly-soft-purge'] = '1';
  return async function purgeFastly(keys, signal) {
    const chunks = chunkKeys(keys, MAX_KEYS, Number.POSITIVE_INFINITY, ' ');
    await Promise.all(
      chunks.map((chunk) =>
        sendPurge(
          url,
          { method: 'POST', headers, body: JSON.stringify({ surrogate_keys: chunk }) },
          signal,
        ),
      ),
    );
  };
}
