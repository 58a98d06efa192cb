import { codeUnitAt } from '../code-unit.js';
import { MAX_KEY_BYTES, storageKey } from './keys.js';

/**
 * {@link storageKey}, remembering the keys it last joined. A variant (a user's,
 * or a set of `vary` header values) asked for again with the same base key gets that same string
 * back, already flat and hashed by the store's `Map`. A storage key with a variant is ~100
 * characters, and joining one (concatenate, flatten, hash) cost a createCaller hit of a private
 * or `vary` route 2–3% of its time: private 1.05–1.07× the floor middleware before this table,
 * 1.02–1.03× with it; `vary` 1.06–1.07× before, 1.04–1.05× with it (`pnpm bench caller`, three
 * runs each).
 *
 * A direct-mapped table of {@link SLOTS} slots, each picked by the variant's first characters
 * and holding one variant, the base key it last joined and the key: a variant asked for with
 * another base key, or a variant sharing its slot, costs two string comparisons (different
 * strings of a digest or a route's input usually differ early) and takes the slot. No `Map`,
 * nothing allocated but the key joined, nothing that grows: it keeps alive at most a variant
 * of 43 characters and two keys of at most 250 bytes per slot. A variant of another length
 * (not `deriveVariant`'s) or a longer base key (not `keyFor`'s) is joined every time.
 *
 * @internal
 * @example
 * ```ts
 * const keys = new StorageKeys();
 * keys.key('api|users.me|', variant); // === storageKey('api|users.me|', variant)
 * keys.key('api|users.me|', variant); // the same string, not joined again
 * ```
 */
export class StorageKeys {
  // A direct-mapped table: slot `i` holds one variant, the base key it last joined, and the key.
  readonly #variants: string[] = new Array<string>(SLOTS).fill('');
  readonly #baseKeys: string[] = new Array<string>(SLOTS).fill('');
  readonly #keys: string[] = new Array<string>(SLOTS).fill('');

  /** The storage key of `baseKey` and `variant` (`baseKey` itself when `variant` is `''`). */
  key(baseKey: string, variant: string): string {
    if (variant === '') return baseKey;
    // Only keyFor's keys and deriveVariant's digests: getOrLoad's caller may pass any strings.
    if (variant.length !== VARIANT_LENGTH || baseKey.length > MAX_KEY_BYTES) {
      return storageKey(baseKey, variant);
    }
    // A digest's characters are uniform: its first two pick the slot.
    const slot = (codeUnitAt(variant, 0) ^ (codeUnitAt(variant, 1) << 4)) & (SLOTS - 1);
    if (this.#variants[slot] === variant && this.#baseKeys[slot] === baseKey) {
      return this.#keys[slot] as string;
    }
    const key = storageKey(baseKey, variant);
    this.#variants[slot] = variant;
    this.#baseKeys[slot] = baseKey;
    this.#keys[slot] = key;
    return key;
  }
}

/** The length of a variant from `deriveVariant`: 43 base64url characters. */
const VARIANT_LENGTH = 43;
/** Slots of the table (a power of two). */
const SLOTS = 1024;
