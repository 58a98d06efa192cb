import { decodeEnvelope } from '../../codec/index.js';
import type { Codec } from '../../codec/types.js';
import type { CacheEntry } from '../types.js';

interface Memo {
  readonly data: Buffer;
  readonly entry: CacheEntry | undefined;
}

/**
 * Decoded entries of recent hits, keyed by Redis key and validated by the exact bytes Redis
 * returned: a hit whose envelope is byte-for-byte the one decoded last time reuses that decode
 * (a memcmp instead of a codec run). Any change to the entry — a new fill, another codec —
 * changes the bytes, so a stale decode is never served. Bounded by the envelope bytes it holds;
 * the oldest memos go first.
 *
 * Like the memory store, two hits of an unchanged entry then share one decoded value: treat
 * cached values as immutable (or disable the memo with `decodeMemoBytes: 0`).
 *
 * @example
 * ```ts
 * const memo = new DecodeMemo(codecs, 8 * 1024 * 1024);
 * const entry = memo.decode(redisKey, await client.getBuffer(redisKey));
 * ```
 */
export class DecodeMemo {
  readonly #codecs: ReadonlyMap<string, Codec>;
  readonly #maxBytes: number;
  readonly #memos = new Map<string, Memo>();
  #bytes = 0;

  constructor(codecs: ReadonlyMap<string, Codec>, maxBytes: number) {
    this.#codecs = codecs;
    this.#maxBytes = maxBytes;
  }

  /** The entry in `data` (the envelope at `redisKey`), or `undefined` if unreadable. */
  decode(redisKey: string, data: Buffer): CacheEntry | undefined {
    const memo = this.#memos.get(redisKey);
    if (memo?.data.equals(data)) return memo.entry;
    const entry = decodeEnvelope(data, this.#codecs);
    if (memo !== undefined) this.#drop(redisKey, memo);
    // An entry larger than a quarter of the budget would churn everything else out.
    if (data.length <= this.#maxBytes / 4) {
      // A copy: the client's reply may be a slice of a larger receive buffer it would pin.
      this.#memos.set(redisKey, { data: Buffer.from(data), entry });
      this.#bytes += data.length;
      this.#evict();
    }
    return entry;
  }

  #drop(redisKey: string, memo: Memo): void {
    this.#memos.delete(redisKey);
    this.#bytes -= memo.data.length;
  }

  #evict(): void {
    for (const [key, memo] of this.#memos) {
      if (this.#bytes <= this.#maxBytes) return;
      this.#drop(key, memo);
    }
  }
}
