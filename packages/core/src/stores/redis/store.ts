import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { codecMap, decodeEnvelope, defaultCodec, encodeEnvelope } from '../../codec/index.js';
import { warnOnce } from '../../warn.js';
import {
  type CacheEntry,
  type CacheStore,
  type EntryAddress,
  type Lease,
  UNAVAILABLE_FENCE,
} from '../types.js';
import { StoreConnection } from './connection.js';
import { DecodeMemo } from './decode-memo.js';
import { type Fallback, Guard } from './guard.js';
import { KeyLayout } from './keys.js';
import { isCluster, type RedisStoreOptions, resolveStoreOptions } from './options.js';
import {
  CLEAR_GENERATION,
  DELETE,
  evalScript,
  FENCE,
  INVALIDATE,
  INVALIDATE_TAGS,
  POLL_FILL,
  REGISTER,
  RELEASE_LEASE,
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
  releaseLease: script(RELEASE_LEASE),
  pollFill: script(POLL_FILL),
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

/** Handed out while Redis is unavailable: `set` refuses it, so nothing is stored blind. */

const MISS: Fallback<Buffer | null> = { value: null };
const REFUSED: Fallback<boolean> = { value: false };
const NO_FENCE: Fallback<readonly [string, number] | undefined> = { value: undefined };
const LEASE_GONE: Fallback<unknown> = { value: 0 };
const UNAVAILABLE = Symbol('unavailable');
const NO_LEASE: Fallback<'OK' | null | typeof UNAVAILABLE> = { value: UNAVAILABLE };
const LOCAL_LEASE: Lease = { acquired: true, release: () => Promise.resolve() };
/** Longest ttl written to Redis, ms (one year). */
const MAX_TTL_MS = 365 * 24 * 3600 * 1000;
/** First and largest pause between polls of a lease waiter, ms. */
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 40;

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
  const resolved = resolveStoreOptions(options);
  const { client, owned, baseKeyOf, fenceWindowMs } = resolved;
  const layout = new KeyLayout(resolved.prefix);
  const codecs = codecMap(resolved.codecs[0] ?? defaultCodec, resolved.codecs.slice(1));
  const guard = new Guard('redis', resolved.timeoutMs, resolved.breaker, resolved.onStatus);
  const connection = new StoreConnection(client, resolved.readyTimeoutMs);

  /** One guarded call; waits (within the budget) for a connection still being established. */
  function call<T>(operation: string, run: () => Promise<T>, fallback?: Fallback<T>): Promise<T> {
    if (client.status === 'ready') return guard.run(operation, run, fallback);
    return guard.run(
      operation,
      () => connection.whenReady().then(run),
      fallback,
      connection.starting,
    );
  }

  function register(h: string, tags: readonly string[], ttlMs: number): Promise<boolean> {
    return call(
      'register',
      () =>
        Promise.all(
          tags.map((tag) =>
            evalScript(
              client,
              SCRIPTS.register,
              [layout.registry(layout.tagHash(tag))],
              [h, ttlMs],
            ),
          ),
        ).then(() => true),
      REFUSED,
    );
  }

  const memo =
    resolved.decodeMemoBytes > 0 ? new DecodeMemo(codecs, resolved.decodeMemoBytes) : undefined;

  function decode(redisKey: string, data: Buffer | null): CacheEntry | undefined {
    if (data === null) return undefined;
    const entry = memo ? memo.decode(redisKey, data) : decodeEnvelope(data, codecs);
    // Redis expires entries itself; this guards against clock skew between hosts.
    return entry !== undefined && entry.staleUntil > Date.now() ? entry : undefined;
  }

  async function waitForFill(key: string, h: string, leaseKey: string, deadline: number) {
    const entryKey = layout.entry(h, key);
    for (let pause = POLL_MIN_MS; Date.now() < deadline; pause = Math.min(pause * 2, POLL_MAX_MS)) {
      const reply = await call(
        'lease',
        () => evalScript(client, SCRIPTS.pollFill, [entryKey, leaseKey], [], true),
        LEASE_GONE,
      ).catch(() => 0);
      if (Buffer.isBuffer(reply)) return decode(entryKey, reply);
      // 0: the holder released (failed, or its fill was fenced out) — load locally.
      if (reply !== 1) return undefined;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    return undefined;
  }

  const store: RedisStore = {
    name: 'redis',
    requiresBytes: true,
    // Every call goes through the guard's budget (`timeout`): the engine adds no timer.
    boundsCalls: true,
    client,
    get(key) {
      const entryKey = layout.entry(layout.slotTag(baseKeyOf(key)), key);
      return call('get', () => client.getBuffer(entryKey), MISS).then((data) =>
        decode(entryKey, data),
      );
    },
    async fence(address) {
      const h = layout.slotTag(address.baseKey);
      // Register the tags before reading the generation: a tag invalidation that misses this
      // registration started before the read, so the loader runs after it (no stale fill).
      if (address.tags.length > 0 && !(await register(h, address.tags, fenceWindowMs))) {
        return UNAVAILABLE_FENCE;
      }
      const snapshot = await call(
        'fence',
        () =>
          evalScript(client, SCRIPTS.fence, [layout.generation(h)], [fenceWindowMs]).then(
            (reply) => {
              const [generation, at] = reply as [string, number];
              return [String(generation), Number(at)] as const;
            },
          ),
        NO_FENCE,
      );
      return snapshot === undefined
        ? UNAVAILABLE_FENCE
        : new RedisFence(layout, h, snapshot[0], snapshot[1]);
    },
    async set(address, entry, fence) {
      if (!(fence instanceof RedisFence) || fence.layout !== layout) return false;
      // Every key carries a ttl: an entry that never expires (staleUntil Infinity) gets a year.
      const ttlMs = Math.min(Math.ceil(entry.staleUntil - Date.now()), MAX_TTL_MS);
      if (ttlMs <= 0) return false;
      const h = layout.slotTag(address.baseKey);
      if (h !== fence.h) return false;
      if (baseKeyOf(address.key) !== address.baseKey) {
        warnOnce(
          'ROUTECACHE_STORAGE_KEY_MISMATCH',
          `redisStore: baseKeyOf("${address.key}") is not its base key "${address.baseKey}"; entries with such keys are not stored (set the baseKeyOf option for custom key formats)`,
        );
        return false;
      }
      if (!codecs.has(entry.codec)) {
        // Every read of this entry here would be a miss: the store's codecs and the cache's differ.
        warnOnce(
          'ROUTECACHE_CODEC_NOT_READABLE',
          `redisStore: entries are written with codec "${entry.codec}", which this store cannot read; pass the cache's codec in redisStore({ codecs: [...] })`,
          entry.codec,
        );
      }
      const envelope = encodeEnvelope(entry);
      // The registry must outlive the entry: its ttl starts a round trip before the entry's.
      if (address.tags.length > 0 && !(await register(h, address.tags, ttlMs + fenceWindowMs))) {
        return false;
      }
      const tagList = address.tags.map((tag) => layout.tagHash(tag)).join(',');
      const reply = await call(
        'set',
        () =>
          evalScript(
            client,
            SCRIPTS.set,
            [layout.generation(h), layout.entry(h, address.key), layout.index(h)],
            [
              fence.generation,
              fence.at,
              fenceWindowMs,
              ttlMs,
              Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength),
              address.key,
              tagList,
              layout.entryPrefix(h),
            ],
          ),
        REFUSED,
      );
      return reply === 1;
    },
    delete(key) {
      const h = layout.slotTag(baseKeyOf(key));
      return call(
        'delete',
        () => evalScript(client, SCRIPTS.delete, [layout.entry(h, key), layout.index(h)], [key]),
        REFUSED,
      ).then((reply) => reply === 1);
    },
    async invalidate(baseKey) {
      const h = layout.slotTag(baseKey);
      const removed = await call('invalidate', () =>
        evalScript(
          client,
          SCRIPTS.invalidate,
          [layout.generation(h), layout.index(h)],
          [layout.entryPrefix(h), fenceWindowMs],
        ),
      );
      return Number(removed);
    },
    async invalidateTags(tags) {
      if (tags.length === 0) return 0;
      const hashes = [...new Set(tags.map((tag) => layout.tagHash(tag)))];
      const registered = await Promise.all(
        hashes.map((t) =>
          call('invalidateTags', () => client.zrange(layout.registry(t), '0', '-1')),
        ),
      );
      // One script per base key (one slot each): never a cross-slot multi-key command.
      const counts = await Promise.all(
        [...new Set(registered.flat())].map((h) =>
          call('invalidateTags', () =>
            evalScript(
              client,
              SCRIPTS.invalidateTags,
              [layout.generation(h), layout.index(h)],
              [layout.entryPrefix(h), fenceWindowMs, ...hashes],
            ),
          ),
        ),
      );
      return counts.reduce<number>((sum, count) => sum + Number(count), 0);
    },
    async clear() {
      // Asked once connected: a Cluster knows its masters only then.
      const nodes = await call(
        'clear',
        async (): Promise<Redis[]> => (isCluster(client) ? client.nodes('master') : [client]),
      );
      await Promise.all(nodes.map((node) => clearNode(node)));
    },
    ready() {
      return connection.ready();
    },
    async dispose() {
      if (owned) client.disconnect();
    },
  };

  async function acquireLease(address: EntryAddress, ttlMs: number): Promise<Lease> {
    const h = layout.slotTag(address.baseKey);
    const leaseKey = layout.lease(h, address.key);
    const token = randomUUID();
    const deadline = Date.now() + ttlMs;
    const reply = await call(
      'lease',
      (): Promise<'OK' | null | typeof UNAVAILABLE> =>
        client.set(leaseKey, token, 'PX', ttlMs, 'NX'),
      NO_LEASE,
    );
    // Redis unavailable (already reported): load locally, as if holding the lease.
    if (reply === UNAVAILABLE) return LOCAL_LEASE;
    if (reply === 'OK') {
      return {
        acquired: true,
        release: () =>
          call('lease', () => evalScript(client, SCRIPTS.releaseLease, [leaseKey], [token])).then(
            () => undefined,
            () => undefined,
          ),
      };
    }
    return { acquired: false, wait: () => waitForFill(address.key, h, leaseKey, deadline) };
  }

  // Opt-in: without it, each instance loads on its own miss (in-process single-flight only).
  if (resolved.leases) store.acquireLease = acquireLease;

  async function clearNode(node: Redis): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await call('clear', () =>
        node.scan(cursor, 'MATCH', layout.scanPattern(), 'COUNT', 1000),
      );
      cursor = next;
      // Generations are bumped, not deleted: fills fenced before the clear must be refused.
      await Promise.all(
        keys.map((key) =>
          layout.isGeneration(key)
            ? call('clear', () => evalScript(node, SCRIPTS.clearGeneration, [key], [fenceWindowMs]))
            : call('clear', () => node.unlink(key)),
        ),
      );
    } while (cursor !== '0');
  }

  return store;
}
