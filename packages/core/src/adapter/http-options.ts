import { normalizeVaryOption } from '../http/index.js';
import { optionKeys, optionsObject } from '../options/validate.js';
import { type CdnName, type SurrogateKeyHeader, surrogateKeyHeaderOf } from './cdn.js';
import type { RequestCacheState } from './request-state.js';

/**
 * Options of the HTTP glue (`withHttpCache`, `withNodeHttpCache`, `createCachedHTTPServer`,
 * `withFastifyHttpCache`).
 *
 * @example
 * ```ts
 * const options: HttpCacheOptions = { cdn: 'varnish', vary: ['accept-encoding'] };
 * ```
 */
export interface HttpCacheOptions {
  /**
   * The CDN in front, which decides the header of the surrogate keys: `'fastly'` →
   * `Surrogate-Key` (space-separated), `'cloudflare'` → `Cache-Tag` (comma-separated),
   * `'varnish'` → `xkey` (vmod xkey, space-separated). Without it no surrogate keys are sent
   * (`CDN-Cache-Control`, `Surrogate-Control` and `Cache-Status` are sent either way).
   * @default undefined
   */
  cdn?: CdnName;
  /**
   * Request headers every cached response of this handler varies on besides tRPC's and the
   * routes' own `vary`: added to the `Vary` of each response that gets cache headers, its 304
   * included. For a header that a layer after the handler adds to a 200 but not to the 304 it
   * stands for — Next.js's response compression adds `Accept-Encoding` to a JSON 200 only — so
   * the 304 repeats the 200's `Vary`, as RFC 9110 §15.4.5 requires. The request headers are not
   * part of the cache key (unlike a route's `vary`): the layer's output varies, not the entry.
   * @default []
   */
  vary?: readonly string[];
}

/**
 * The glue's options once validated: what each request's state is given.
 *
 * @internal
 * @example
 * ```ts
 * const glue: HttpGlue = { cdn: undefined, vary: ['accept-encoding'] };
 * ```
 */
export interface HttpGlue {
  readonly cdn: SurrogateKeyHeader | undefined;
  readonly vary: readonly string[];
}

const KNOWN = optionKeys<HttpCacheOptions>({ cdn: true, vary: true });
const DEFAULT_GLUE: HttpGlue = { cdn: undefined, vary: [] };

/**
 * Validate the HTTP glue's options once, when the handler is wrapped.
 *
 * @internal
 * @throws {InvalidOptionError} naming the option: an unknown key, an unknown `cdn`, a `vary`
 *   that is not a list of header names (or holds `*`).
 * @example
 * ```ts
 * resolveHttpCacheOptions({ cdn: 'varnish' }); // { cdn: { header: 'xkey', separator: ' ' }, vary: [] }
 * ```
 */
export function resolveHttpCacheOptions(options: HttpCacheOptions | undefined): HttpGlue {
  if (options === undefined) return DEFAULT_GLUE;
  optionsObject(options, KNOWN);
  return {
    cdn: surrogateKeyHeaderOf(options.cdn),
    vary: normalizeVaryOption(options.vary ?? [], 'vary'),
  };
}

/**
 * Hand a request's state what the glue was configured with.
 *
 * @internal
 * @example
 * ```ts
 * applyHttpGlue(requestStateFor(req), glue);
 * ```
 */
export function applyHttpGlue(state: RequestCacheState, glue: HttpGlue): void {
  state.cdn = glue.cdn;
  state.extraVary = glue.vary;
}
