import { InvalidOptionError } from '../errors.js';
import { optionKeys, optionsObject, received } from '../options/validate.js';
import { chunkKeys, sendPurge, urlOption } from './http.js';
import type { Purger } from './purges.js';

/**
 * Options of {@link varnishPurger}.
 *
 * @example
 * ```ts
 * const options: VarnishPurgerOptions = { hosts: ['http://10.0.0.5:6081', 'http://10.0.0.6:6081'], soft: true };
 * ```
 */
export interface VarnishPurgerOptions {
  /** Every Varnish to purge, as `http://host:port` (the purge goes to `/` of each). */
  hosts: readonly string[];
  /**
   * `xkey-softpurge` instead of `xkey`: the objects expire but stay usable for grace and
   * conditional requests (the VCL must map the header to `xkey.softpurge`). @default false
   */
  soft?: boolean;
  /** Extra request headers, e.g. a shared secret the VCL checks. */
  headers?: Readonly<Record<string, string>>;
}

/** Varnish's default `http_req_hdr_len` is 8 KiB: stay well below it. */
const MAX_HEADER_LENGTH = 4096;

const KNOWN = optionKeys<VarnishPurgerOptions>({ hosts: true, soft: true, headers: true });

/**
 * A purger for Varnish with vmod xkey (Debian `varnish-modules`): a `PURGE /` to every host
 * with the keys in an `xkey` (or `xkey-softpurge`) header, space-separated, split into several
 * requests when the header would pass 4 KiB. It resolves when every host answered 2xx. The VCL
 * it expects (`import xkey;`, a `PURGE` branch calling `xkey.purge(req.http.xkey)`) is in
 * `examples/cdn/default.vcl`; restrict `PURGE` to your network there.
 *
 * @throws {InvalidOptionError} when `hosts` is empty or holds a non-URL.
 * @example
 * ```ts
 * import { createCache } from '@routecache/core';
 * import { varnishPurger } from '@routecache/core/cdn';
 *
 * const cache = createCache({ purger: varnishPurger({ hosts: ['http://127.0.0.1:6081'] }) });
 * ```
 */
export function varnishPurger(options: VarnishPurgerOptions): Purger {
  optionsObject(options, KNOWN);
  if (!Array.isArray(options.hosts) || options.hosts.length === 0) {
    throw new InvalidOptionError(
      'hosts',
      `must be a non-empty array of URLs, ${received(options.hosts)}`,
    );
  }
  const hosts = options.hosts.map((host, i) => `${urlOption(`hosts[${i}]`, host)}/`);
  const header = options.soft === true ? 'xkey-softpurge' : 'xkey';
  const extra = { ...options.headers };
  return async function purgeVarnish(keys, signal) {
    const requests: Promise<string>[] = [];
    for (const chunk of chunkKeys(keys, Number.POSITIVE_INFINITY, MAX_HEADER_LENGTH, ' ')) {
      const headers = { ...extra, [header]: chunk.join(' ') };
      for (const host of hosts)
        requests.push(sendPurge(host, { method: 'PURGE', headers }, signal));
    }
    await Promise.all(requests);
  };
}
