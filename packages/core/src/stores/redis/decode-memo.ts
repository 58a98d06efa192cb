import { LRUCache } from 'lru-cache';
import { decodeEnvelope } from '../../codec/index.js';
import type { Codec } from '../../codec/types.js';
import { flatString } from '../../flat-string.js';
import { entryBytes, stringBytes, TYPED_ARRAY } from '../retained-size.js';
import type { CacheEntry } from '../types.js';

interface Memo {
  readonly data: Buffer;
  readonly entry: CacheEntry | undefined;
}

/**
 * Bytes of one memo beyond its key, its copy of the envelope and its decoded entry: lru-cache's
 * Map entry and per-entry array slots, and the memo object. Measured with `--expose-gc` (Node 20,
 * x64): heap (+ array buffer) growth per kept memo of floods of 200k–1M hits of distinct `true`
 * entries (900–920 bytes) minus what the flat 84-char key (104), the envelope copy (97 + 100),
 * the decoded entry (160), its bytes (210), ETag (64) and tag list (32) hold: 130–150 bytes.
 * Rounded up.
 */
const MEMO_OVERHEAD = 200;

/**
 * Decoded entries of recent hits, keyed by Redis key and validated by the exact bytes Redis
 * returned: a hit whose envelope is byte-for-byte the one decoded last time reuses that decode
 * (a memcmp instead of a codec run). Any change to the entry — a new fill, another codec —
 * changes the bytes, so a stale decode is never served. Bounded by what its memos keep alive
 * (the envelope copy, the decoded entry with its live value, the key: see retained-size.ts);
 * the least recently used go first.
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
  readonly #memos: LRUCache<string, Memo>;
  /** An entry larger than a quarter of the budget would churn everything else out. */
  readonly #maxMemoBytes: number;

  constructor(codecs: ReadonlyMap<string, Codec>, maxBytes: number) {
    this.#codecs = codecs;
    this.#memos = new LRUCache<string, Memo>({ maxSize: maxBytes });
    this.#maxMemoBytes = Math.floor(maxBytes / 4);
  }

  /** The entry in `data` (the envelope at `redisKey`), or `undefined` if unreadable. */
  decode(redisKey: string, data: Buffer): CacheEntry | undefined {
    const memo = this.#memos.get(redisKey);
    if (memo?.data.equals(data)) return memo.entry;
    const entry = decodeEnvelope(data, this.#codecs);
    const fixed = MEMO_OVERHEAD + stringBytes(redisKey) + TYPED_ARRAY + data.length;
    const size = fixed + (entry === undefined ? 0 : entryBytes(entry, this.#maxMemoBytes - fixed));
    if (size > this.#maxMemoBytes) {
      if (memo !== undefined) this.#memos.delete(redisKey);
    } else {
      // A copy: the client's reply may be a slice of a larger receive buffer it would pin.
      const copy = { data: Buffer.from(data), entry };
      this.#memos.set(flatString(redisKey), copy, { size: Math.ceil(size) });
    }
    return entry;
  }
}
