import type { Cluster, Redis } from 'ioredis';
import type { Codec } from '../../codec/index.js';
import { codecMap, decodeEnvelope, defaultCodec, encodeEnvelope } from '../../codec/index.js';
import { warnOnce } from '../../warn.js';
import {
  type CacheEntry,
  type CacheStore,
  type EntryAddress,
  type Fence,
  type Lease,
  type StoreStats,
  UNAVAILABLE_FENCE,
} from '../types.js';
import { RedisCalls } from './calls.js';
import { StoreConnection } from './connection.js';
import { DecodeMemo } from './decode-memo.js';
import { type Fallback, Guard } from './guard.js';
import { KeyLayout } from './keys.js';
import { RedisLeases } from './leases.js';
import {
  isCluster,
  type RedisStoreOptions,
  type ResolvedStoreOptions,
  resolveStoreOptions,
} from './options.js';
import {
  CLEAR_GENERATION,
  DELETE,
  evalScript,
  FENCE,
  INVALIDATE,
  INVALIDATE_TAGS,
  REGISTER,
  SET,
  script,
} from './scripts.js';

const SCRIPTS = {
  fence: script(FENCE),
  register: script(REGISTER),
  set: script(SET),
  invalidate: script(INVALIDATE),
  invalidateTags: script(INVALIDATE_TAGS),
  delete: script(DELETE),
  clearGeneration: script(CLEAR_GENERATION),
};

/** A generation snapshot of one base key, taken by `fence` (server time, `at`). */
class RedisFence {
  constructor(
    readonly layout: KeyLayout,
    readonly h: string,
    readonly generation: string,
    readonly at: number,
  ) {}
}

const MISS: Fallback<CacheEntry | undefined> = { value: undefined };
const REFUSED: Fallback<boolean> = { value: false };
const NO_FENCE: Fallback<readonly [string, number] | undefined> = { value: undefined };
/** Longest ttl written to Redis, ms (one year). */
const MAX_TTL_MS = 365 * 24 * 3600 * 1000;

/**
 * The Redis store: a {@link CacheStore} plus Redis-only capabilities.
 *
 * @example
 * ```ts
 * const store: RedisStore = redisStore({ connection: 'redis://127.0.0.1:6379' });
 * await store.ready();
 * ```
 */
export interface RedisStore extends CacheStore {
  readonly name: 'redis';
  /** The ioredis client (given or created). */
  readonly client: Redis | Cluster;
  /**
   * Resolves once the client is connected: await it before serving traffic. Calls made before
   * wait for the first connection within their budget and are misses if it is not there yet
   * (never an outage, never a breaker trip).
   *
   * @throws {StoreError} `ROUTECACHE_STORE_TIMEOUT` when not connected within `readyTimeout`;
   * `ROUTECACHE_STORE_UNAVAILABLE` when the connection ends first.
   * @example
   * ```ts
   * const store = redisStore({ connection: process.env.REDIS_URL });
   * await store.ready();
   * ```
   */
  ready(): Promise<void>;
  dispose(): Promise<void>;
}

/** The store {@link redisStore} returns; see its comment. */
class RedisCacheStore implements RedisStore {
  readonly name = 'redis';
  readonly requiresBytes = true;
  // Every call goes through the guard's budget (`timeout`): the engine adds no timer.
  readonly boundsCalls = true;
  readonly client: Redis | Cluster;
  acquireLease?: (address: EntryAddress, ttlMs: number) => Promise<Lease>;
  readonly #owned: boolean;
  readonly #baseKeyOf: (key: string) => string;
  readonly #fenceWindowMs: number;
  readonly #layout: KeyLayout;
  readonly #codecs: ReadonlyMap<string, Codec>;
  readonly #calls: RedisCalls;
  readonly #connection: StoreConnection;
  readonly #memo: DecodeMemo | undefined;
  readonly #guard: Guard;

  constructor(resolved: ResolvedStoreOptions) {
    const { client } = resolved;
    this.client = client;
    this.#owned = resolved.owned;
    this.#baseKeyOf = resolved.baseKeyOf;
    this.#fenceWindowMs = resolved.fenceWindowMs;
    this.#layout = new KeyLayout(resolved.prefix, resolved.baseKeyOf);
    this.#codecs = codecMap(resolved.codecs[0] ?? defaultCodec, resolved.codecs.slice(1));
    const guard = new Guard('redis', resolved.timeoutMs, resolved.breaker, resolved.onStatus);
    this.#connection = new StoreConnection(client, resolved.readyTimeoutMs);
    this.#calls = new RedisCalls(client, guard, this.#connection);
    this.#guard = guard;
    const memoBytes = resolved.decodeMemoBytes;
    this.#memo = memoBytes > 0 ? new DecodeMemo(this.#codecs, memoBytes) : undefined;
    // Opt-in: without it, each instance loads on its own miss (in-process single-flight only).
    if (resolved.leases) {
      const leases = new RedisLeases(client, this.#layout, this.#calls, (key, data) =>
        this.#decode(key, data),
      );
      this.acquireLease = (address, ttlMs) => leases.acquire(address, ttlMs);
    }
  }

  /** The breaker's state: `open` while it refuses calls. */
  stats(): StoreStats {
    return { breaker: this.#guard.open ? 'open' : 'closed' };
  }

  get(key: string): Promise<CacheEntry | undefined> {
    const entryKey = this.#layout.entryKeyOf(key);
    // Decoded as the reply arrives, in the guard's reaction: no promise of the bytes in between.
    return this.#calls.run(
      'get',
      () => this.client.getBuffer(entryKey),
      MISS,
      (data) => this.#decode(entryKey, data),
    );
  }

  async fence(address: EntryAddress): Promise<Fence> {
    const layout = this.#layout;
    const h = layout.slotTag(address.baseKey);
    // Register the tags before reading the generation: a tag invalidation that misses this
    // registration started before the read, so the loader runs after it (no stale fill).
    if (address.tags.length > 0 && !(await this.#register(h, address.tags, this.#fenceWindowMs))) {
      return UNAVAILABLE_FENCE;
    }
    const read = () =>
      evalScript(this.client, SCRIPTS.fence, [layout.generation(h)], [this.#fenceWindowMs]).then(
        (reply) => {
          const [generation, at] = reply as [string, number];
          return [String(generation), Number(at)] as const;
        },
      );
    const snapshot = await this.#calls.run('fence', read, NO_FENCE);
    return snapshot === undefined
      ? UNAVAILABLE_FENCE
      : new RedisFence(layout, h, snapshot[0], snapshot[1]);
  }

  async set(address: EntryAddress, entry: CacheEntry, fence: Fence): Promise<boolean> {
    if (!(fence instanceof RedisFence) || fence.layout !== this.#layout) return false;
    // Every key carries a ttl: an entry that never expires (staleUntil Infinity) gets a year.
    const ttlMs = Math.min(Math.ceil(entry.staleUntil - Date.now()), MAX_TTL_MS);
    if (ttlMs <= 0 || this.#layout.slotTag(address.baseKey) !== fence.h) return false;
    if (!this.#storable(address, entry)) return false;
    const envelope = encodeEnvelope(entry);
    // The registry must outlive the entry: its ttl starts a round trip before the entry's.
    const registryMs = ttlMs + this.#fenceWindowMs;
    if (address.tags.length > 0 && !(await this.#register(fence.h, address.tags, registryMs))) {
      return false;
    }
    const data = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
    return (await this.#write(address, fence, ttlMs, data)) === 1;
  }

  delete(key: string): Promise<boolean> {
    const layout = this.#layout;
    const h = layout.slotTag(this.#baseKeyOf(key));
    const keys = [layout.entry(h, key), layout.index(h)];
    const script = () => evalScript(this.client, SCRIPTS.delete, keys, [key]);
    return this.#calls.run('delete', script, REFUSED, (reply) => reply === 1);
  }

  async invalidate(baseKey: string): Promise<number> {
    const layout = this.#layout;
    const h = layout.slotTag(baseKey);
    const removed = await this.#calls.run('invalidate', () =>
      evalScript(
        this.client,
        SCRIPTS.invalidate,
        [layout.generation(h), layout.index(h)],
        [layout.entryPrefix(h), this.#fenceWindowMs],
      ),
    );
    return Number(removed);
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    if (tags.length === 0) return 0;
    const layout = this.#layout;
    const hashes = [...new Set(tags.map((tag) => layout.tagHash(tag)))];
    const registered = await Promise.all(
      hashes.map((t) =>
        this.#calls.run('invalidateTags', () => this.client.zrange(layout.registry(t), '0', '-1')),
      ),
    );
    // One script per base key (one slot each): never a cross-slot multi-key command.
    const counts = await Promise.all(
      [...new Set(registered.flat())].map((h) =>
        this.#calls.run('invalidateTags', () =>
          evalScript(
            this.client,
            SCRIPTS.invalidateTags,
            [layout.generation(h), layout.index(h)],
            [layout.entryPrefix(h), this.#fenceWindowMs, ...hashes],
          ),
        ),
      ),
    );
    return counts.reduce<number>((sum, count) => sum + Number(count), 0);
  }

  async clear(): Promise<void> {
    const client = this.client;
    // Asked once connected: a Cluster knows its masters only then.
    const nodes = await this.#calls.run(
      'clear',
      async (): Promise<Redis[]> => (isCluster(client) ? client.nodes('master') : [client]),
    );
    await Promise.all(nodes.map((node) => this.#clearNode(node)));
  }

  ready(): Promise<void> {
    return this.#connection.ready();
  }

  async dispose(): Promise<void> {
    if (this.#owned) this.client.disconnect();
  }

  /** An entry read from Redis: decoded (through the memo), unless past its `staleUntil`. */
  #decode(redisKey: string, data: Buffer | null): CacheEntry | undefined {
    if (data === null) return undefined;
    const memo = this.#memo;
    const entry = memo ? memo.decode(redisKey, data) : decodeEnvelope(data, this.#codecs);
    // Redis expires entries itself; this guards against clock skew between hosts.
    return entry !== undefined && entry.staleUntil > Date.now() ? entry : undefined;
  }

  /** Register base key `h` in each tag's registry for `ttlMs`; `false` when Redis failed. */
  #register(h: string, tags: readonly string[], ttlMs: number): Promise<boolean> {
    const layout = this.#layout;
    const registerAll = () =>
      Promise.all(
        tags.map((tag) =>
          evalScript(
            this.client,
            SCRIPTS.register,
            [layout.registry(layout.tagHash(tag))],
            [h, ttlMs],
          ),
        ),
      ).then(() => true);
    return this.#calls.run('register', registerAll, REFUSED);
  }

  /** Whether this store can keep `entry` at `address` (warns once when it cannot, or cannot read it). */
  #storable(address: EntryAddress, entry: CacheEntry): boolean {
    if (this.#baseKeyOf(address.key) !== address.baseKey) {
      warnOnce(
        'ROUTECACHE_STORAGE_KEY_MISMATCH',
        `redisStore: baseKeyOf("${address.key}") is not its base key "${address.baseKey}"; entries with such keys are not stored (set the baseKeyOf option for custom key formats)`,
      );
      return false;
    }
    if (!this.#codecs.has(entry.codec)) {
      // Every read of this entry here would be a miss: the store's codecs and the cache's differ.
      warnOnce(
        'ROUTECACHE_CODEC_NOT_READABLE',
        `redisStore: entries are written with codec "${entry.codec}", which this store cannot read; pass the cache's codec in redisStore({ codecs: [...] })`,
        entry.codec,
      );
    }
    return true;
  }

  /** The `SET` script: checks the fence, writes the entry with its ttl and indexes it. */
  #write(address: EntryAddress, fence: RedisFence, ttlMs: number, data: Buffer): Promise<unknown> {
    const layout = this.#layout;
    const { h } = fence;
    const tagList = address.tags.map((tag) => layout.tagHash(tag)).join(',');
    const keys = [layout.generation(h), layout.entry(h, address.key), layout.index(h)];
    const args = [
      fence.generation,
      fence.at,
      this.#fenceWindowMs,
      ttlMs,
      data,
      address.key,
      tagList,
      layout.entryPrefix(h),
    ];
    return this.#calls.run('set', () => evalScript(this.client, SCRIPTS.set, keys, args), REFUSED);
  }

  /** SCAN one node's keys of this prefix: unlink entries, bump generations. */
  async #clearNode(node: Redis): Promise<void> {
    const layout = this.#layout;
    const calls = this.#calls;
    let cursor = '0';
    do {
      const [next, keys] = await calls.run('clear', () =>
        node.scan(cursor, 'MATCH', layout.scanPattern(), 'COUNT', 1000),
      );
      cursor = next;
      // Generations are bumped, not deleted: fills fenced before the clear must be refused.
      await Promise.all(
        keys.map((key) =>
          layout.isGeneration(key)
            ? calls.run('clear', () =>
                evalScript(node, SCRIPTS.clearGeneration, [key], [this.#fenceWindowMs]),
              )
            : calls.run('clear', () => node.unlink(key)),
        ),
      );
    } while (cursor !== '0');
  }
}

/**
 * A {@link CacheStore} on Redis or Redis Cluster (ioredis 5.9+ or 6, an optional peer dependency;
 * the test suite runs the store contract on both majors).
 *
 * - A hit is one round trip (`GET` of the entry's codec envelope).
 * - Hits of an unchanged entry share one decoded value (the decode memo, see `decodeMemoBytes`),
 *   the same contract as the memory store: treat cached values as immutable — a caller that
 *   mutates one changes what later hits on this instance see. `decodeMemoBytes: 0` decodes a
 *   fresh object for every hit.
 * - `set` is one Lua script that checks the fence, writes the entry with its ttl and indexes it
 *   atomically (plus one tag-registry call per tag when the entry has tags).
 * - Every key of one base key shares a hash tag, so no script crosses slots on a Cluster; tag
 *   invalidation finds the base keys through per-tag registries and runs one script per base key.
 * - Fail-open: each call has a time budget and a circuit breaker; connections it creates have
 *   ioredis' offline queue off. A failure is reported once per outage: the first failing call
 *   rejects (the engine emits `storeError`) and `onStatus('down')` fires; later reads fail open
 *   silently (misses) until Redis answers again (`onStatus('up')`). Invalidations always reject.
 *   The first connection is no outage: calls made while it is under way (up to `readyTimeout`)
 *   wait for it within their budget and are misses when it is not there in time, without
 *   tripping the breaker or reporting `'down'`; `await store.ready()` before serving.
 * - Needs Redis ≥ 6.2 (`ZADD GT`, `HRANDFIELD`); tested on 7.0.
 *
 * @throws {InvalidOptionError} for an invalid option (named).
 * @example
 * ```ts
 * import { createCache } from '@routecache/core';
 * import { redisStore } from '@routecache/core/redis';
 *
 * const store = redisStore({ connection: 'redis://127.0.0.1:6379', prefix: 'app:' });
 * const cache = createCache({ store });
 * // or an existing client: redisStore(new Redis(...)) / redisStore(new Cluster([...]))
 * ```
 */
export function redisStore(options: RedisStoreOptions | Redis | Cluster = {}): RedisStore {
  return new RedisCacheStore(resolveStoreOptions(options));
}
