import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { CacheEntry, EntryAddress, Lease } from '../types.js';
import type { RedisCalls } from './calls.js';
import type { Fallback } from './guard.js';
import type { KeyLayout } from './keys.js';
import { evalScript, POLL_FILL, RELEASE_LEASE, script } from './scripts.js';

const SCRIPTS = { releaseLease: script(RELEASE_LEASE), pollFill: script(POLL_FILL) };
const LEASE_GONE: Fallback<unknown> = { value: 0 };
const UNAVAILABLE = Symbol('unavailable');
const NO_LEASE: Fallback<'OK' | null | typeof UNAVAILABLE> = { value: UNAVAILABLE };
const LOCAL_LEASE: Lease = { acquired: true, release: () => Promise.resolve() };
/** First and largest pause between polls of a lease waiter, ms. */
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 40;

/** Decodes an entry read from Redis (through the store's decode memo). */
export type EntryDecoder = (redisKey: string, data: Buffer | null) => CacheEntry | undefined;

/**
 * Cross-instance fill leases of the Redis store (`leases: true`): `SET NX PX` takes one; the
 * other instances poll for the holder's entry (backing off from 5 to 40 ms) until it is
 * stored, the holder releases, or the lease runs out.
 *
 * @example
 * ```ts
 * const leases = new RedisLeases(client, layout, calls, decode);
 * const lease = await leases.acquire(address, 5_000);
 * ```
 */
export class RedisLeases {
  readonly #client: Redis | Cluster;
  readonly #layout: KeyLayout;
  readonly #calls: RedisCalls;
  readonly #decode: EntryDecoder;

  constructor(client: Redis | Cluster, layout: KeyLayout, calls: RedisCalls, decode: EntryDecoder) {
    this.#client = client;
    this.#layout = layout;
    this.#calls = calls;
    this.#decode = decode;
  }

  /** Take the fill lease of `address` for `ttlMs`, or a waiter for whoever holds it. */
  async acquire(address: EntryAddress, ttlMs: number): Promise<Lease> {
    const client = this.#client;
    const h = this.#layout.slotTag(address.baseKey);
    const leaseKey = this.#layout.lease(h, address.key);
    const token = randomUUID();
    const deadline = Date.now() + ttlMs;
    const reply = await this.#calls.run(
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
          this.#calls
            .run('lease', () => evalScript(client, SCRIPTS.releaseLease, [leaseKey], [token]))
            .then(
              () => undefined,
              () => undefined,
            ),
      };
    }
    return { acquired: false, wait: () => this.#waitForFill(address.key, h, leaseKey, deadline) };
  }

  /** Poll for the lease holder's entry until it is there, the lease is gone, or `deadline`. */
  async #waitForFill(
    key: string,
    h: string,
    leaseKey: string,
    deadline: number,
  ): Promise<CacheEntry | undefined> {
    const client = this.#client;
    const entryKey = this.#layout.entry(h, key);
    for (let pause = POLL_MIN_MS; Date.now() < deadline; pause = Math.min(pause * 2, POLL_MAX_MS)) {
      const reply = await this.#calls
        .run(
          'lease',
          () => evalScript(client, SCRIPTS.pollFill, [entryKey, leaseKey], [], true),
          LEASE_GONE,
        )
        .catch(() => 0);
      if (Buffer.isBuffer(reply)) return this.#decode(entryKey, reply);
      // 0: the holder released (failed, or its fill was fenced out) — load locally.
      if (reply !== 1) return undefined;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    return undefined;
  }
}
