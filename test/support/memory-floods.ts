/**
 * Memory floods (issue 8, item 15): fill one bounded cache layer with many tiny values (`true`)
 * under distinct keys, through the real engine and store path, and measure what the heap really
 * holds afterwards against the layer's bound.
 *
 * Run it in a process of its own with `--expose-gc` (heap figures after `gc()` mean nothing
 * otherwise) through `memory-flood-child.ts`, which prints one {@link FloodResult} as JSON. The
 * regression test (`test/regression/memory-bounds.test.ts`) and `pnpm bench memory` both spawn it:
 * the test with 200k entries and a small bound, the bench with 1M entries and 32 MiB.
 *
 * - `memory`: `memoryStore({ maxBytes })`, one `getOrLoad` fill per key (distinct base keys).
 * - `memoryObjects`: the same with a fresh row-like object per fill (7 fields: strings, numbers,
 *   a Date, an array), where the live value is most of what an entry holds.
 * - `tiered`: `tieredStore({ l1: memoryStore({ maxBytes }), l2: redisStore(), bus })` on a real
 *   redis-server holding every entry; one `getOrLoad` per key is an L2 hit that fills the L1
 *   (whose entries hold the live value and its bytes). The L2's decode memo is off, so the
 *   growth is the L1's alone.
 * - `decodeMemo`: `redisStore({ decodeMemoBytes: maxBytes })` on a redis-server holding every
 *   entry; one `getOrLoad` hit per key, so the memo holds the latest decodes up to its budget.
 *
 * The Redis floods read private variants of one route (`baseKey#variant`, one per user): one
 * entry is written through `redisStore.set`, then the same envelope is copied to every other
 * variant's key by pipelined `SET`s, so 1M entries take seconds instead of 1M fence + set scripts.
 * The copies' key prefix is read back from Redis, not rebuilt, and every read must hit.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type Cache,
  type CacheStore,
  type Codec,
  createCache,
  defaultCodec,
  memoryStore,
  tieredStore,
} from '@routecache/core';
import { deriveVariant, storageKey } from '@routecache/core/adapter';
import { type RedisStore, redisBus, redisStore } from '@routecache/core/redis';
import { startRedis } from './redis-server.js';

/** The three floods of item 15, and the memory one with objects (rows) for values. */
export const FLOODS = ['memory', 'memoryObjects', 'tiered', 'decodeMemo'] as const;
export type FloodName = (typeof FLOODS)[number];

/** What one flood measured. */
export interface FloodResult {
  flood: FloodName;
  entries: number;
  maxBytes: number;
  /** `heapUsed` growth after `gc()`, from before the flood to its end (layer still held). */
  heapGrowth: number;
  /** Growth of `arrayBuffers` (typed array contents held outside `heapUsed`). */
  arrayBufferGrowth: number;
  /** Entries the bounded layer still holds at the end. */
  kept: number;
  /** Wall time of the flood, ms (context only). */
  ms: number;
}

/** Concurrent calls: enough to keep a loopback Redis busy. */
const IN_FLIGHT = 64;
const TTL_SECONDS = 3600;
const load = async () => true;
const row = (id: number) => ({
  id,
  name: `user ${id}`,
  email: `user${id}@example.com`,
  active: id % 2 === 0,
  score: id / 7,
  roles: ['reader'],
  createdAt: new Date(id),
});
const loadRow = (id: number) => async () => row(id);

function gcHeap(): { heap: number; arrayBuffers: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the memory floods with node --expose-gc');
  // Twice: the first full collection may leave work (weak callbacks, finalizers) for the second.
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, arrayBuffers: usage.arrayBuffers };
}

async function forEachIndex(count: number, run: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await run(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** The request of the `i`th key of a flood: a distinct input, or a distinct user's variant. */
type Requests = (i: number) => { baseKey: string; variant?: string };

function distinctInputs(cache: Pick<Cache, 'keyFor'>): Requests {
  return (id) => ({ baseKey: cache.keyFor({ route: 'flags.get', input: { id } }) });
}

function storageKeyOf(requests: Requests, i: number): string {
  const { baseKey, variant } = requests(i);
  return storageKey(baseKey, variant ?? '');
}

/**
 * A distinct variant per user, shaped like `deriveVariant`'s digests (43 base64url characters):
 * hashing 200k–1M principals would take most of the flood's time and retain nothing.
 */
function userVariants(baseKey: string): Requests {
  return (i) => ({ baseKey, variant: `u${i}`.padEnd(VARIANT_LENGTH, '_') });
}
const VARIANT_LENGTH = deriveVariant([], 'any').length;

const isMemoryFlood = (flood: FloodName) => flood === 'memory' || flood === 'memoryObjects';

function requestsOf(flood: FloodName, cache: Pick<Cache, 'keyFor'>): Requests {
  return isMemoryFlood(flood)
    ? distinctInputs(cache)
    : userVariants(cache.keyFor({ route: 'me.flags' }));
}

/**
 * The storage key of a flood's `i`th call, and the value it stores: for baselines that hold the
 * same keys and values in something else (e.g. a plain lru-cache).
 *
 * @example
 * ```ts
 * const { key, value } = floodContent('memory');
 * lru.set(key(0), value(0));
 * ```
 */
export function floodContent(flood: FloodName): {
  key: (i: number) => string;
  value: (i: number) => object | boolean;
} {
  const requests = requestsOf(flood, createCache());
  return {
    key: (i) => storageKeyOf(requests, i),
    value: flood === 'memoryObjects' ? row : () => true,
  };
}

/**
 * Copies of one envelope to the keys of variants 1…n−1 (`u<i>` padded with `_`), generated by
 * Redis itself: one call per 50k keys instead of one command per key.
 */
const COPY_VARIANTS = `local prefix, envelope, width, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
for i = tonumber(ARGV[5]), tonumber(ARGV[6]) do
  local variant = 'u' .. i
  redis.call('SET', prefix .. variant .. string.rep('_', width - #variant), envelope, 'EX', ttl)
end
return 1`;

/** Write `entries` variants of one base key to Redis (see the module comment). */
async function seedRedis(store: RedisStore, requests: Requests, entries: number): Promise<void> {
  const cache = createCache({ store, ttl: TTL_SECONDS, storeTimeout: 5_000 });
  const first = requests(0);
  await cache.getOrLoad({ ...first, load });
  const written = await store.client.keys('*e:*');
  const key = storageKeyOf(requests, 0);
  if (written.length !== 1 || !written[0]?.endsWith(key)) {
    throw new Error(`expected one entry key ending in ${key}, found ${written.join(', ')}`);
  }
  const envelope = await store.client.getBuffer(written[0]);
  if (envelope === null) throw new Error('the seeded entry vanished');
  // The key of variant 0 up to its variant: the same for every variant of this base key.
  const prefix = written[0].slice(0, -(first.variant ?? '').length);
  for (let from = 1; from < entries; from += 50_000) {
    const to = Math.min(from + 50_000, entries) - 1;
    await store.client.eval(
      COPY_VARIANTS,
      0,
      prefix,
      envelope,
      VARIANT_LENGTH,
      TTL_SECONDS,
      from,
      to,
    );
  }
  if ((await store.get(storageKeyOf(requests, entries - 1))) === undefined) {
    throw new Error('the copied entries are not where the store reads them');
  }
}

interface Layer {
  /** The store the flood goes through. */
  store: CacheStore;
  requests: Requests;
  /** Whether a flood call may run its loader (only fills do; Redis floods are all hits). */
  fills: boolean;
  /** The loader of the `i`th key. */
  loader(i: number): () => Promise<unknown>;
  /** How many entries the layer holds now (call after measuring: it may read Redis). */
  kept(): Promise<number>;
  dispose(): Promise<void>;
}

function countHeld(store: CacheStore, requests: Requests, entries: number): number {
  let kept = 0;
  for (let i = 0; i < entries; i++) if (store.get(storageKeyOf(requests, i)) !== undefined) kept++;
  return kept;
}

async function openLayer(flood: FloodName, maxBytes: number, entries: number): Promise<Layer> {
  if (isMemoryFlood(flood)) {
    const store = memoryStore({ maxBytes });
    const requests = requestsOf(flood, createCache({ store }));
    const kept = async () => countHeld(store, requests, entries);
    const loader = flood === 'memory' ? () => load : loadRow;
    return { store, requests, fills: true, loader, kept, dispose: async () => store.dispose?.() };
  }
  const server = await startRedis();
  const connection = { host: server.host, port: server.port };
  const seeder = redisStore({ connection, timeout: 5_000, decodeMemoBytes: 0 });
  await seeder.ready();
  const requests = requestsOf(flood, createCache({ store: seeder }));
  await seedRedis(seeder, requests, entries);
  await seeder.dispose();
  if (flood === 'tiered') {
    const l1 = memoryStore({ maxBytes });
    const l2 = redisStore({ connection, timeout: 5_000, decodeMemoBytes: 0 });
    const bus = redisBus({ connection });
    await Promise.all([l2.ready(), bus.ready()]);
    const store = tieredStore({ l1, l2, bus });
    const dispose = async () => {
      await store.dispose?.();
      await server.stop();
    };
    const kept = async () => countHeld(l1, requests, entries);
    return { store, requests, fills: false, loader: () => load, kept, dispose };
  }
  // The default codec, counting decodes: a hit the memo answers decodes nothing.
  let decodes = 0;
  const counting: Codec = {
    id: defaultCodec.id,
    encode: (value) => defaultCodec.encode(value),
    decode: (bytes) => {
      decodes++;
      return defaultCodec.decode(bytes);
    },
  };
  const store = redisStore({
    connection,
    timeout: 5_000,
    decodeMemoBytes: maxBytes,
    codecs: [counting],
  });
  await store.ready();
  // Newest first (the flood ran in key order): memoized keys are hits that decode nothing; the
  // first decode is the first key the memo no longer holds.
  const kept = async () => {
    let held = 0;
    for (let i = entries - 1; i >= 0; i--, held++) {
      const before = decodes;
      if ((await store.get(storageKeyOf(requests, i))) === undefined) throw new Error('lost entry');
      if (decodes !== before) break;
    }
    return held;
  };
  const dispose = async () => {
    await store.dispose();
    await server.stop();
  };
  return { store, requests, fills: false, loader: () => load, kept, dispose };
}

/**
 * Run one flood in this process and measure it.
 *
 * @example
 * ```ts
 * const result = await runFlood('memory', { entries: 200_000, maxBytes: 8 * 1024 * 1024 });
 * result.heapGrowth / result.maxBytes; // ≤ 1.25
 * ```
 */
export async function runFlood(
  flood: FloodName,
  { entries, maxBytes }: { entries: number; maxBytes: number },
): Promise<FloodResult> {
  // Warm-up on a throwaway cache: compiled code and lazily built module state are not growth.
  const warm = createCache({ store: memoryStore({ maxBytes }), ttl: TTL_SECONDS });
  const warmKeys = distinctInputs(warm);
  await forEachIndex(5_000, (i) => warm.getOrLoad({ ...warmKeys(i), load }));
  await warm.dispose();

  const layer = await openLayer(flood, maxBytes, entries);
  try {
    const cache = createCache({ store: layer.store, ttl: TTL_SECONDS, storeTimeout: 5_000 });
    let loads = 0;
    const counted = (i: number) => {
      const run = layer.loader(i);
      return () => {
        loads++;
        return run();
      };
    };
    const before = gcHeap();
    const started = Date.now();
    await forEachIndex(entries, (i) => cache.getOrLoad({ ...layer.requests(i), load: counted(i) }));
    const ms = Date.now() - started;
    const after = gcHeap();
    if (loads !== (layer.fills ? entries : 0)) {
      throw new Error(`${flood} flood: ${loads} loads, expected ${layer.fills ? entries : 0}`);
    }
    const kept = await layer.kept();
    return {
      flood,
      entries,
      maxBytes,
      heapGrowth: after.heap - before.heap,
      arrayBufferGrowth: after.arrayBuffers - before.arrayBuffers,
      kept,
      ms,
    };
  } finally {
    await layer.dispose();
  }
}

const CHILD = fileURLToPath(new URL('./memory-flood-child.ts', import.meta.url));

/**
 * Run one flood in a child process of its own (`node --expose-gc`, TypeScript source through
 * tsx and the `source` export condition) and resolve to what it measured.
 *
 * @example
 * ```ts
 * const { heapGrowth } = await spawnFlood('tiered', { entries: 1_000_000, maxBytes: 32 << 20 });
 * ```
 */
export function spawnFlood(
  flood: FloodName,
  { entries, maxBytes }: { entries: number; maxBytes: number },
): Promise<FloodResult> {
  const args = ['--expose-gc', '--conditions=source', '--import', 'tsx', CHILD];
  return runJsonChild<FloodResult>(
    [...args, flood, String(entries), String(maxBytes)],
    `${flood} flood`,
  );
}

/**
 * Run `node <args>` from this directory and parse what it prints as JSON; a non-zero exit rejects
 * with its stderr, named by `label`.
 *
 * @example
 * ```ts
 * const result = await runJsonChild<FloodResult>(['--expose-gc', child, 'true'], 'true flood');
 * ```
 */
export function runJsonChild<T>(args: readonly string[], label: string): Promise<T> {
  const child = spawn(process.execPath, args, {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(JSON.parse(stdout) as T);
      else reject(new Error(`${label} exited ${code ?? signal}: ${stderr}`));
    });
  });
}
