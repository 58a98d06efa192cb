/**
 * The caches compared as tRPC middlewares doing the same work: routecache's `cacheMiddleware`,
 * and bentocache / cache-manager middlewares written the way their docs suggest (`getOrSet` /
 * `wrap` around `next()`, keyed by path + input, plus the user for a private route). All hold
 * live values in memory (no serialization), store only successful results and coalesce
 * concurrent misses of one key; "no cache" calls `next()`.
 */
import { createCache, memoryStore } from '@routecache/core';
import { type CacheMiddlewareFunction, createCacheMiddleware } from '@routecache/trpc';
import { initTRPC } from '@trpc/server';
import type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache as createCacheManager } from 'cache-manager';
import { KeyvCacheableMemory } from 'cacheable';
import { Keyv } from 'keyv';

/** What a middleware receives from tRPC (routecache's reading of it, which the others fit). */
export type ArmCall = Parameters<CacheMiddlewareFunction<unknown, unknown>>[0];
type Result = MiddlewareResult<object>;

/** The context of the benchmarks' routers: the signed-in user, if any. */
export interface BenchContext {
  user?: string | undefined;
}

/** One contender: a middleware to `.use()`, and whether it needs routecache's HTTP glue. */
export interface Arm {
  name: string;
  middleware: (opts: ArmCall) => Promise<Result>;
  /** Its fetch handler goes through `withHttpCache` and `withCacheContext`. */
  routecacheGlue: boolean;
  dispose(): Promise<void>;
}

/** How every arm of one comparison caches. */
export interface ArmOptions {
  ttlSeconds: number;
  /** Private routes: one entry per `ctx.user`. */
  private?: boolean;
}

const userOf = (ctx: unknown) => (ctx as BenchContext).user;

/** Thrown through a getOrSet loader to hand back a failed call without storing it. */
class Unstored {
  constructor(readonly result: Result) {}
}

/** A middleware over `getOrSet(key, load)` — the shape of bentocache's and cache-manager's API. */
function loaderMiddleware(
  options: ArmOptions,
  getOrSet: (key: string, load: () => Promise<Result>) => Promise<Result>,
): Arm['middleware'] {
  return async function loaderCacheMiddleware(opts) {
    const key = opts.path + JSON.stringify(opts.input);
    const load = async () => {
      const result = await opts.next();
      if (!result.ok) throw new Unstored(result);
      return result;
    };
    try {
      return await getOrSet(options.private ? `${key}\u0000${userOf(opts.ctx)}` : key, load);
    } catch (error) {
      // bentocache wraps a loader's error in its FactoryError, with the error as `cause`.
      const unstored = error instanceof Unstored ? error : (error as { cause?: unknown }).cause;
      if (unstored instanceof Unstored) return unstored.result;
      throw error;
    }
  };
}

/** routecache's `cacheMiddleware` over a `memoryStore()`. */
export function routecacheArm(options: ArmOptions): Arm {
  const cache = createCache({ store: memoryStore(), ttl: options.ttlSeconds });
  const cacheMiddleware = createCacheMiddleware(cache, { principal: userOf });
  return {
    name: 'routecache',
    middleware: cacheMiddleware({
      ttl: options.ttlSeconds,
      scope: options.private ? 'private' : 'public',
    }),
    routecacheGlue: true,
    dispose: () => cache.dispose(),
  };
}

/** bentocache `getOrSet`, memory L1 without serialization. */
export function bentocacheArm(options: ArmOptions): Arm {
  const bento = new BentoCache({
    default: 'memory',
    stores: {
      memory: bentostore().useL1Layer(memoryDriver({ maxItems: 100_000, serialize: false })),
    },
  });
  const ttl = options.ttlSeconds * 1000;
  return {
    name: 'bentocache',
    middleware: loaderMiddleware(options, (key, factory) => bento.getOrSet({ key, factory, ttl })),
    routecacheGlue: false,
    dispose: () => bento.disconnect(),
  };
}

/**
 * cache-manager 7 `wrap` over Keyv with cacheable's in-memory store, as its README shows,
 * holding live values like the others: Keyv's serialization off (`serialize`/`deserialize`
 * undefined, as Keyv documents) and cacheable's clone-on-get off (`useClone: false`).
 */
export function cacheManagerArm(options: ArmOptions): Arm {
  const ttl = options.ttlSeconds * 1000;
  const keyv = new Keyv({
    store: new KeyvCacheableMemory({ ttl, lruSize: 100_000, useClone: false }),
  });
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  const cache = createCacheManager({ stores: [keyv] });
  return {
    name: 'cache-manager',
    middleware: loaderMiddleware(options, (key, load) => cache.wrap(key, load, ttl)),
    routecacheGlue: false,
    dispose: async () => {
      await cache.disconnect();
    },
  };
}

/** No cache: every call runs the resolver. */
export function noCacheArm(): Arm {
  return {
    name: 'no cache',
    middleware: (opts) => opts.next(),
    routecacheGlue: false,
    dispose: async () => {},
  };
}

/** routecache, bentocache and cache-manager, in that order. */
export function cacheArms(options: ArmOptions): Arm[] {
  return [routecacheArm(options), bentocacheArm(options), cacheManagerArm(options)];
}

/** The tRPC instance of the benchmarks' routers. */
export const t = initTRPC.context<BenchContext>().create();

/** Input of the benchmarks' one query: which item. */
export interface ItemInput {
  id: number;
}
const parseItem = (raw: unknown): ItemInput => {
  const id = (raw as Partial<ItemInput> | null)?.id;
  if (typeof id !== 'number') throw new Error('input.id must be a number');
  return { id };
};

/**
 * A router with one query, `item`, cached by `middleware` and answered by `resolve`.
 *
 * @example
 * ```ts
 * const router = itemRouter(routecacheArm({ ttlSeconds: 60 }).middleware, ({ id }) => db.get(id));
 * await t.createCallerFactory(router)({}).item({ id: 1 });
 * ```
 */
export function itemRouter(
  middleware: Arm['middleware'],
  resolve: (input: ItemInput, ctx: BenchContext) => Promise<object>,
) {
  return t.router({
    item: t.procedure
      .input(parseItem)
      .use(middleware)
      .query(({ input, ctx }) => resolve(input, ctx)),
  });
}
