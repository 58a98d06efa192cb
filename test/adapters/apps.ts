/**
 * One app, written once per adapter (tRPC and oRPC), served over real HTTP and called with each
 * framework's real client, so the shared behaviour table (http-behaviour.test.ts) can run the
 * same cases against both. Every procedure has the same dotted path and the same cache options
 * in both apps; `runs` counts resolver runs per path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createORPCClient, ORPCError } from '@orpc/client';
import { RPCLink } from '@orpc/client/fetch';
import { os, type RouterClient } from '@orpc/server';
import { RPCHandler as FetchRPCHandler } from '@orpc/server/fetch';
import { RPCHandler as NodeRPCHandler } from '@orpc/server/node';
import { BatchHandlerPlugin } from '@orpc/server/plugins';
import { createCache } from '@routecache/core';
import {
  CachePlugin,
  createCacheMiddleware as orpcCacheMiddleware,
  routeKeys,
} from '@routecache/orpc';
import { createCacheMiddleware as trpcCacheMiddleware, withCacheContext } from '@routecache/trpc';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { bridge, listen, listenServer } from '../support/trpc-server.js';

/** The procedures of the shared app, by dotted path. */
export type Path = 'post.get' | 'me' | 'greeting' | 'fails' | 'slow';

/** What a real client's call saw: its value (or error) and the HTTP response it came in. */
export interface Outcome {
  readonly value?: unknown;
  readonly error?: { readonly code: string } | undefined;
  readonly status: number;
  readonly headers: Headers;
  /** The URL the client requested (a GET), for conditional re-requests with raw fetch. */
  readonly url: string;
}

/** One adapter serving the shared app. */
export interface AppServer {
  /** Call `path` with the framework's real client (over GET), sending `headers`. */
  call(path: Path, input: unknown, headers?: Record<string, string>): Promise<Outcome>;
  /** Resolver runs per path. */
  readonly runs: Record<Path, number>;
  /** Drop every variant of the `post.get` entry of `id`; resolves to the number removed. */
  invalidatePost(id: string): Promise<number>;
  /** The `Vary` names the framework itself sends on every response. */
  readonly frameworkVary: readonly string[];
  close(): Promise<void>;
}

export interface AdapterUnderTest {
  readonly name: string;
  start(): Promise<AppServer>;
}

interface Ctx {
  user: string | null;
  lang: string | null;
}

const SLOW_MS = 150;

function freshRuns(): Record<Path, number> {
  return { 'post.get': 0, me: 0, greeting: 0, fails: 0, slow: 0 };
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
};

/** A fetch that keeps the last response (and its URL) the client received. */
function recordingFetch() {
  let last: { response: Response; url: string } | undefined;
  const fetcher = async (input: Request | string | URL, init?: unknown) => {
    const request = new Request(input, init as RequestInit);
    const response = await fetch(request);
    last = { response, url: request.url };
    return response;
  };
  return {
    fetcher,
    last() {
      if (last === undefined) throw new Error('no response yet');
      return last;
    },
  };
}

/** Both clients are proxies of nested names: walk one by a dotted path. */
interface ClientNode {
  readonly [name: string]: ClientNode;
}

function at(client: unknown, path: Path): ClientNode {
  return path.split('.').reduce((node, name) => node[name] as ClientNode, client as ClientNode);
}

async function outcome(
  run: () => Promise<unknown>,
  seen: ReturnType<typeof recordingFetch>,
  codeOf: (error: unknown) => string | undefined,
): Promise<Outcome> {
  let value: unknown;
  let error: Outcome['error'];
  try {
    value = await run();
  } catch (thrown) {
    const code = codeOf(thrown);
    if (code === undefined) throw thrown;
    error = { code };
  }
  const { response, url } = seen.last();
  return { value, error, status: response.status, headers: response.headers, url };
}

function trpcApp() {
  const runs = freshRuns();
  const t = initTRPC.context<Ctx>().create();
  const cache = createCache({ namespace: 'shared' });
  const cacheMiddleware = trpcCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user });
  const postCache = cacheMiddleware({ scope: 'public', tags: ['posts'] });
  const router = t.router({
    post: t.router({
      get: t.procedure
        .input(z.object({ id: z.string() }))
        .use(postCache)
        .query(({ input }) => ({ id: input.id, run: ++runs['post.get'] })),
    }),
    me: t.procedure.use(cacheMiddleware()).query(({ ctx }) => ({ user: ctx.user, run: ++runs.me })),
    greeting: t.procedure
      .use(cacheMiddleware({ scope: 'public', vary: ['accept-language'] }))
      .query(({ ctx }) => ({
        text: ctx.lang === 'fr' ? 'bonjour' : 'hello',
        run: ++runs.greeting,
      })),
    fails: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(() => {
      runs.fails++;
      throw new TRPCError({ code: 'NOT_FOUND', message: 'nothing here' });
    }),
    slow: t.procedure.use(cacheMiddleware({ scope: 'public' })).query(async () => {
      const run = ++runs.slow;
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
      return { run };
    }),
  });
  const createContext = withCacheContext(({ req }: { req: IncomingMessage }) => ({
    user: header(req, 'x-user'),
    lang: header(req, 'accept-language'),
  }));
  return { router, runs, createContext, postCache };
}

const trpcAdapter: AdapterUnderTest = {
  name: 'tRPC (node, @trpc/client)',
  async start() {
    const app = trpcApp();
    const server = await listenServer(
      createCachedHTTPServer({
        router: app.router,
        createContext: app.createContext,
        basePath: '/trpc/',
      }),
    );
    return {
      runs: app.runs,
      frameworkVary: ['trpc-accept', 'accept'],
      invalidatePost: (id) => app.postCache.invalidate('post.get', { id }),
      close: server.close,
      async call(path, input, headers = {}) {
        const seen = recordingFetch();
        const client = createTRPCClient<typeof app.router>({
          links: [
            httpLink({
              url: server.url,
              headers,
              fetch: (input, init) => seen.fetcher(input as string, init),
            }),
          ],
        });
        const procedure = at(client, path) as unknown as {
          query(input: unknown): Promise<unknown>;
        };
        return outcome(
          () => procedure.query(input),
          seen,
          (error) => (error instanceof TRPCClientError ? error.data?.code : undefined),
        );
      },
    };
  },
};

function orpcApp() {
  const runs = freshRuns();
  // GET, so responses can be validated with If-None-Match (oRPC's RPCHandler takes GET only for
  // procedures declaring it).
  const base = os.$context<Ctx>().route({ method: 'GET' });
  const cache = createCache({ namespace: 'shared' });
  const cacheMiddleware = orpcCacheMiddleware(cache, { principal: (ctx: Ctx) => ctx.user });
  const router = {
    post: {
      get: base
        .input(z.object({ id: z.string() }))
        .use(cacheMiddleware({ scope: 'public', tags: ['posts'] }))
        .handler(({ input }) => ({ id: input.id, run: ++runs['post.get'] })),
    },
    me: base
      .use(cacheMiddleware())
      .handler(({ context }) => ({ user: context.user, run: ++runs.me })),
    greeting: base
      .use(cacheMiddleware({ scope: 'public', vary: ['accept-language'] }))
      .handler(({ context }) => ({
        text: context.lang === 'fr' ? 'bonjour' : 'hello',
        run: ++runs.greeting,
      })),
    fails: base.use(cacheMiddleware({ scope: 'public' })).handler(() => {
      runs.fails++;
      throw new ORPCError('NOT_FOUND', { message: 'nothing here' });
    }),
    slow: base.use(cacheMiddleware({ scope: 'public' })).handler(async () => {
      const run = ++runs.slow;
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
      return { run };
    }),
  };
  return { router, runs, keys: routeKeys(router) };
}

function orpcServer(
  app: ReturnType<typeof orpcApp>,
  url: string,
  close: () => Promise<void>,
): AppServer {
  return {
    runs: app.runs,
    frameworkVary: [],
    invalidatePost: (id) => app.keys.invalidate.post.get({ id }),
    close,
    async call(path, input, headers = {}) {
      const seen = recordingFetch();
      const client = createORPCClient<RouterClient<ReturnType<typeof orpcApp>['router']>>(
        new RPCLink({
          url,
          headers,
          method: () => 'GET',
          fetch: (request, init) => seen.fetcher(request as Request, init),
        }),
      );
      const procedure = at(client, path) as unknown as (input: unknown) => Promise<unknown>;
      return outcome(
        () => procedure(input),
        seen,
        (error) => (error instanceof ORPCError ? error.code : undefined),
      );
    },
  };
}

const plugins = () => [new CachePlugin<Ctx>(), new BatchHandlerPlugin<Ctx>()];

const orpcNodeAdapter: AdapterUnderTest = {
  name: 'oRPC (node RPCHandler, @orpc/client)',
  async start() {
    const app = orpcApp();
    const handler = new NodeRPCHandler(app.router, { plugins: plugins() });
    const server = await listenServer(
      createServer((req: IncomingMessage, res: ServerResponse) => {
        void handler.handle(req, res, {
          prefix: '/rpc',
          context: { user: header(req, 'x-user'), lang: header(req, 'accept-language') },
        });
      }),
    );
    return orpcServer(app, server.url.replace(/\/trpc$/, '/rpc'), server.close);
  },
};

const orpcFetchAdapter: AdapterUnderTest = {
  name: 'oRPC (fetch RPCHandler, @orpc/client)',
  async start() {
    const app = orpcApp();
    const handler = new FetchRPCHandler(app.router, { plugins: plugins() });
    const server = await listen(
      bridge(async (request) => {
        const { response } = await handler.handle(request, {
          prefix: '/rpc',
          context: {
            user: request.headers.get('x-user'),
            lang: request.headers.get('accept-language'),
          },
        });
        return response ?? new Response('not found', { status: 404 });
      }),
    );
    return orpcServer(app, server.url.replace(/\/trpc$/, '/rpc'), server.close);
  },
};

/** Every adapter the shared table runs against. */
export const ADAPTERS: readonly AdapterUnderTest[] = [
  trpcAdapter,
  orpcNodeAdapter,
  orpcFetchAdapter,
];
