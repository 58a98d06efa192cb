import { LRUCache } from 'lru-cache';
import { flatString } from '../../flat-string.js';
import { sha256Base64Url } from '../../hash.js';

/*
 * Key layout under a prefix P (default `rc:`). `{h}` is a Redis Cluster hash tag: h is 22
 * base64url characters (132 bits) of SHA-256 of the base key, so every key of one base key —
 * its variants, their index, its generation, its leases — lives in one slot, whatever `{`/`}`
 * the base key itself contains.
 *
 *   P{h}e:<storage key>   entry: the codec envelope, PX = until staleUntil
 *   P{h}i                 index hash: storage key → comma list of tag hashes; ttl of its longest entry
 *   P{h}g                 generation (fences); lives fenceWindow after the last fence/bump
 *   P{h}l:<storage key>   stampede lease: holder token, PX = lease ttl
 *   P{t}r                 tag registry (sorted set): base-key hashes h that may carry tag t,
 *                         scored by expiry; t = 22 chars of SHA-256 of the tag
 */

const HASH_TAG_LENGTH = 22;
/** Bound of each memo, of hash tags and of entry keys (least recently used dropped beyond it). */
const MEMO_LIMIT = 10_000;

/**
 * @internal Redis key names for one store prefix (layout above).
 *
 * @example
 * ```ts
 * const layout = new KeyLayout('rc:', baseKeyOfStorageKey);
 * const h = layout.slotTag('api|users.get|{"id":1}');
 * layout.entry(h, 'api|users.get|{"id":1}'); // 'rc:{<h>}e:api|users.get|{"id":1}'
 * layout.entryKeyOf('api|users.get|{"id":1}'); // the same
 * ```
 */
export class KeyLayout {
  readonly #prefix: string;
  readonly #baseKeyOf: (key: string) => string;
  readonly #memo = new LRUCache<string, string>({ max: MEMO_LIMIT });
  readonly #entryKeys = new LRUCache<string, string>({ max: MEMO_LIMIT });

  /** `baseKeyOf`: the base key of a storage key (the store's option of that name). */
  constructor(prefix: string, baseKeyOf: (key: string) => string) {
    this.#prefix = prefix;
    this.#baseKeyOf = baseKeyOf;
  }

  /**
   * The Redis key of storage key `key`'s entry, `entry(slotTag(baseKeyOf(key)), key)`, memoized
   * by storage key: the hit path needs it on every `get`, and a flat string costs the client
   * less to write than a fresh concatenation.
   */
  entryKeyOf(key: string): string {
    let entryKey = this.#entryKeys.get(key);
    if (entryKey === undefined) {
      entryKey = flatString(this.entry(this.slotTag(this.#baseKeyOf(key)), key));
      this.#entryKeys.set(key, entryKey);
    }
    return entryKey;
  }

  /** The hash tag of a base key (memoized: the hit path computes it on every `get`). */
  slotTag(baseKey: string): string {
    let tag = this.#memo.get(baseKey);
    if (tag === undefined) {
      tag = sha256Base64Url(baseKey).slice(0, HASH_TAG_LENGTH);
      this.#memo.set(baseKey, tag);
    }
    return tag;
  }

  /** The short hash of a tag, as it appears in index lists and registry names. */
  tagHash(tag: string): string {
    return sha256Base64Url(tag).slice(0, HASH_TAG_LENGTH);
  }

  /** Prefix of every entry key of a base key (the storage key follows). */
  entryPrefix(h: string): string {
    return `${this.#prefix}{${h}}e:`;
  }

  entry(h: string, key: string): string {
    return `${this.#prefix}{${h}}e:${key}`;
  }

  index(h: string): string {
    return `${this.#prefix}{${h}}i`;
  }

  generation(h: string): string {
    return `${this.#prefix}{${h}}g`;
  }

  lease(h: string, key: string): string {
    return `${this.#prefix}{${h}}l:${key}`;
  }

  registry(tagHash: string): string {
    return `${this.#prefix}{${tagHash}}r`;
  }

  /** SCAN pattern matching every key of this prefix (glob characters escaped). */
  scanPattern(): string {
    return `${this.#prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  }

  /** Whether a key found by SCAN is a generation (kept and bumped by `clear`, not deleted). */
  isGeneration(redisKey: string): boolean {
    return redisKey.endsWith('}g') && redisKey.indexOf('}') === redisKey.length - 2;
  }
}
