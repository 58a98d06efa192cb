import { ConfigurationError } from '@routecache/core';

/**
 * The refusal of a cache middleware that runs before an `.input()` of its procedure: the key
 * would be derived from part of the input only (or none of it), so one input's result would be
 * served for another.
 *
 * @internal
 * @example
 * ```ts
 * throw cacheBeforeInputError('reports.get');
 * ```
 */
export function cacheBeforeInputError(path: string): ConfigurationError {
  return new ConfigurationError(
    `cacheMiddleware on "${path}" runs before .input(): its key would miss that input. ` +
      'Place .use(cacheMiddleware(…)) after the last .input(…) of the procedure',
    { context: { path } },
  );
}

/**
 * A `getRawInput` for the middlewares after the cache that refuses to hand out the raw input:
 * whatever reads it there (an `.input()` validator, a middleware) makes the result depend on
 * something the key never saw. Refusing on the read keeps the resolver from running and the
 * result from being stored, on every transport — a server-side caller included, whose
 * procedure chain the cache cannot inspect.
 *
 * @internal
 * @example
 * ```ts
 * opts.next({ getRawInput: refuseRawInput(opts.path) });
 * ```
 */
export function refuseRawInput(path: string): () => Promise<never> {
  return async function rawInputAfterCache() {
    throw cacheBeforeInputError(path);
  };
}
