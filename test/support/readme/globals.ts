/**
 * The names README snippets use without declaring them, as globals: the scaffold app's
 * (`app.ts`: `t`, `authedProcedure`, `db`, `cache`…), the generated helpers (`invalidate`…), a
 * few stand-ins (`app`, `log`, `metrics`, `id`) and the library functions a snippet may show
 * without its imports. Each snippet is its own module, so a name it imports or declares
 * shadows the global one. Generous on purpose: a snippet shows one idea, this supplies the rest.
 */
import type * as core from '@routecache/core';
import type * as coreRedis from '@routecache/core/redis';
import type * as adapter from '@routecache/trpc';
import type * as adapterNode from '@routecache/trpc/node';
import type * as trpcServer from '@trpc/server';
import type * as trpcExpress from '@trpc/server/adapters/express';
import type * as trpcFetch from '@trpc/server/adapters/fetch';
import type * as zod from 'zod';
import type * as scaffold from './app.js';
import type * as generated from './snippets/routecache.generated.js';

declare global {
  type Context = scaffold.Context;
  type User = scaffold.User;
  const t: typeof scaffold.t;
  const publicProcedure: typeof scaffold.t.procedure;
  const authedProcedure: typeof scaffold.authedProcedure;
  const authed: typeof scaffold.authedProcedure;
  const createContext: typeof scaffold.createContext;
  const ctx: scaffold.Context;
  const db: typeof scaffold.db;
  const Post: typeof scaffold.Post;
  const Rename: typeof scaffold.Rename;
  const cache: typeof scaffold.cache;
  const cacheMiddleware: typeof scaffold.cacheMiddleware;
  const router: typeof scaffold.appRouter;
  const appRouter: typeof scaffold.appRouter;
  const keys: typeof generated.keys;
  const invalidate: typeof generated.invalidate;
  const invalidateTag: typeof generated.invalidateTag;
  const routes: typeof generated.routes;
  const tags: typeof generated.tags;
  const invalidates: typeof generated.invalidates;

  const id: number;
  const connection: string;
  const app: { use(path: string, ...handlers: unknown[]): void };
  const log: { info(...values: unknown[]): void; warn(...values: unknown[]): void };
  const metrics: { increment(name: string): void };

  const z: typeof zod.z;
  const initTRPC: typeof trpcServer.initTRPC;
  const TRPCError: typeof trpcServer.TRPCError;
  const fetchRequestHandler: typeof trpcFetch.fetchRequestHandler;
  const createExpressMiddleware: typeof trpcExpress.createExpressMiddleware;
  const createCache: typeof core.createCache;
  const memoryStore: typeof core.memoryStore;
  const tieredStore: typeof core.tieredStore;
  const redisStore: typeof coreRedis.redisStore;
  const redisBus: typeof coreRedis.redisBus;
  const createCacheMiddleware: typeof adapter.createCacheMiddleware;
  const createRouteHelpers: typeof adapter.createRouteHelpers;
  const getCachedRoute: typeof adapter.getCachedRoute;
  const listCachedRoutes: typeof adapter.listCachedRoutes;
  const withCacheContext: typeof adapter.withCacheContext;
  const withHttpCache: typeof adapter.withHttpCache;
  const createCachedHTTPServer: typeof adapterNode.createCachedHTTPServer;
  const withNodeHttpCache: typeof adapterNode.withNodeHttpCache;
}
