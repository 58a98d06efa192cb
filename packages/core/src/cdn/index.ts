/**
 * `@routecache/core/cdn`: purging a CDN when the cache invalidates. Pass a purger as the
 * `purger` option of `createCache`; the tRPC HTTP glue (`withHttpCache(handler, { cdn })`)
 * puts the matching surrogate keys on public responses.
 *
 * @example
 * ```ts
 * import { createCache } from '@routecache/core';
 * import { varnishPurger } from '@routecache/core/cdn';
 *
 * const cache = createCache({ purger: varnishPurger({ hosts: ['http://127.0.0.1:6081'] }) });
 * ```
 * @packageDocumentation
 */

export { PurgeError, type PurgeErrorCode } from '../errors.js';
export { type CloudflarePurgerOptions, cloudflarePurger } from './cloudflare.js';
export { type FastlyPurgerOptions, fastlyPurger } from './fastly.js';
export type { Purger, PurgerOptions } from './purges.js';
export {
  baseKeySurrogateKey,
  MAX_SURROGATE_KEY_LENGTH,
  tagSurrogateKey,
} from './surrogate-keys.js';
export { type VarnishPurgerOptions, varnishPurger } from './varnish.js';
