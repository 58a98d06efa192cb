/**
 * The CDN side of a response: which header carries its surrogate keys, the keys of a batch
 * (bounded), and the `CDN-Cache-Control` / `Surrogate-Control` directives.
 */

import { InvalidOptionError } from '../errors.js';
import { type CallCachePolicy, strictestCdnCacheControl } from '../http/index.js';
import { received } from '../options/validate.js';
import type { CallRecord } from './request-state.js';

/**
 * A CDN the HTTP glue can file responses for.
 *
 * @example
 * ```ts
 * const cdn: CdnName = 'fastly';
 * ```
 */
export type CdnName = 'fastly' | 'cloudflare' | 'varnish';

/**
 * Where a CDN reads surrogate keys from.
 *
 * @internal
 * @example
 * ```ts
 * CDN_HEADERS.varnish; // { header: 'xkey', separator: ' ' }
 * ```
 */
export interface SurrogateKeyHeader {
  readonly header: 'surrogate-key' | 'cache-tag' | 'xkey';
  readonly separator: ' ' | ',';
}

const CDN_HEADERS: Readonly<Record<CdnName, SurrogateKeyHeader>> = {
  fastly: { header: 'surrogate-key', separator: ' ' },
  cloudflare: { header: 'cache-tag', separator: ',' },
  varnish: { header: 'xkey', separator: ' ' },
};

/**
 * Longest surrogate-key header value: a batch whose keys need more is kept out of the CDN
 * (`CDN-Cache-Control: no-store`, no `s-maxage`) instead of sending a truncated list that a
 * purge would miss. 4 KiB stays under Varnish's default 8 KiB header line (`http_resp_hdr_len`)
 * and Fastly's and Cloudflare's 16 KiB.
 *
 * @example
 * ```ts
 * keys.join(' ').length <= MAX_SURROGATE_HEADER_LENGTH;
 * ```
 */
export const MAX_SURROGATE_HEADER_LENGTH = 4096;

/**
 * The surrogate-key header of a CDN named in the glue's options.
 *
 * @internal
 * @throws {InvalidOptionError} naming `cdn` when it is not a known CDN.
 * @example
 * ```ts
 * surrogateKeyHeaderOf('varnish'); // { header: 'xkey', separator: ' ' }
 * ```
 */
export function surrogateKeyHeaderOf(cdn: CdnName | undefined): SurrogateKeyHeader | undefined {
  if (cdn === undefined) return undefined;
  const target = Object.hasOwn(CDN_HEADERS, cdn) ? CDN_HEADERS[cdn] : undefined;
  if (target === undefined) {
    throw new InvalidOptionError(
      'cdn',
      `must be 'fastly', 'cloudflare' or 'varnish', ${received(cdn)}`,
      { context: { value: cdn } },
    );
  }
  return target;
}

/**
 * The CDN headers of one response.
 *
 * @internal
 * @example
 * ```ts
 * const headers: CdnHeaders = { 'cdn-cache-control': 'max-age=300', 'surrogate-control': 'max-age=300' };
 * ```
 */
// A type, not an interface: the fold merges it into a plain header record.
export type CdnHeaders = {
  'cdn-cache-control'?: string;
  'surrogate-control'?: string;
  'surrogate-key'?: string;
  'cache-tag'?: string;
  xkey?: string;
};

/**
 * The surrogate keys of a response: the union, in batch order, of its calls' keys — only when
 * every call is shared-cacheable and has them; `'overflow'` past
 * {@link MAX_SURROGATE_HEADER_LENGTH}.
 *
 * @internal
 * @example
 * ```ts
 * surrogateKeysOf(calls, { header: 'xkey', separator: ' ' }); // 'users @users.get @users k:…'
 * ```
 */
export function surrogateKeysOf(
  calls: readonly (CallRecord | undefined)[],
  target: SurrogateKeyHeader,
): string | 'overflow' | undefined {
  const keys = new Set<string>();
  for (const call of calls) {
    if (call?.surrogateKeys === undefined) return undefined;
    for (const key of call.surrogateKeys) keys.add(key);
  }
  const value = [...keys].join(target.separator);
  return value.length > MAX_SURROGATE_HEADER_LENGTH ? 'overflow' : value;
}

/**
 * The CDN headers of a response from its calls' policies. The directives are sent when any call
 * set `sMaxAge` (the route opted into shared caching), so that `no-store` reaches a CDN
 * honouring them whenever one call of a batch must not be shared. The keys go in the configured
 * header when every call is shared-cacheable; `policies` already carry what the response itself
 * says (`Set-Cookie`, a stricter `Cache-Control`). `undefined` when no call set `sMaxAge` and no
 * CDN is configured: then neither can apply.
 *
 * @internal
 * @example
 * ```ts
 * cdnHeaders(calls, policies, 'k:abc @users');
 * ```
 */
export function cdnHeaders(
  calls: readonly (CallRecord | undefined)[],
  policies: readonly CallCachePolicy[],
  target: SurrogateKeyHeader | undefined,
  keys: string | undefined,
): CdnHeaders | undefined {
  const directed = calls.some((call) => call?.sMaxAge !== undefined);
  // Neither directives nor keys can apply: nothing to build (most responses, on the hit path).
  if (!directed && target === undefined) return undefined;
  const headers: CdnHeaders = {};
  const shared = policies.every((policy) => policy.cacheable && policy.scope === 'public');
  if (directed) {
    const directives = keys === 'overflow' ? 'no-store' : strictestCdnCacheControl(policies);
    headers['cdn-cache-control'] = directives;
    headers['surrogate-control'] = directives;
  }
  if (target !== undefined && shared && keys !== undefined && keys !== 'overflow') {
    headers[target.header] = keys;
  }
  return headers;
}
