import { InvalidOptionError } from '../errors.js';
import { received } from '../options/validate.js';
import type { CacheStore } from './types.js';

/** The methods every {@link CacheStore} implements. */
const STORE_METHODS = [
  'get',
  'fence',
  'set',
  'delete',
  'invalidate',
  'invalidateTags',
  'clear',
] as const;

/**
 * Check that an option holds a {@link CacheStore}: an object with a string `name`, a boolean
 * `requiresBytes` and every store method. The one check of `createCache({ store })` and
 * `tieredStore({ l1, l2 })`.
 *
 * @throws {InvalidOptionError} naming `option` when it does not.
 * @example
 * ```ts
 * const l1 = checkStore(options.l1, 'l1');
 * ```
 */
export function checkStore(store: unknown, option: string): CacheStore {
  if (typeof store !== 'object' || store === null) {
    throw new InvalidOptionError(
      option,
      `must be a CacheStore object (e.g. memoryStore(), redisStore()), ${received(store)}`,
    );
  }
  const candidate = store as CacheStore;
  if (typeof candidate.name !== 'string' || typeof candidate.requiresBytes !== 'boolean') {
    throw new InvalidOptionError(option, 'must have a string `name` and a boolean `requiresBytes`');
  }
  for (const method of STORE_METHODS) {
    if (typeof candidate[method] !== 'function') {
      throw new InvalidOptionError(option, `must implement ${method}()`, {
        context: { store: candidate.name },
      });
    }
  }
  return candidate;
}
