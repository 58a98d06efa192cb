/**
 * Real tRPC HTTP servers on free loopback ports, with routecache's HTTP glue, for integration
 * tests: the standalone (node-http) adapter, Express's middleware, the fetch adapter (served
 * through a small node:http ⇄ Request/Response bridge, as a Node host of a fetch handler would)
 * and Fastify's plugin on a real `fastify` server. Every test that runs a server per adapter
 * starts it here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type CreateContextOptionsLike, withCacheContext, withHttpCache } from '@routecache/trpc';
import { withFastifyHttpCache } from '@routecache/trpc/fastify';
import { withNodeHttpCache } from '@routecache/trpc/node';
import type { AnyTRPCRouter } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { type CreateFastifyContextOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { type FetchCreateContextFnOptions, fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { type CreateHTTPContextOptions, createHTTPHandler } from '@trpc/server/adapters/standalone';
import Fastify from 'fastify';

/** A running server: its tRPC endpoint URL and how to stop it. */
export interface TrpcTestServer {
  /** e.g. `http://127.0.0.1:43123/trpc` */
  readonly url: string;
  /** Errors tRPC reported through `onError`, in order (to assert on causes). */
  readonly errors: unknown[];
  /** Bytes the server wrote to its sockets so far (status lines, headers, bodies). */
  bytesWritten(): number;
  close(): Promise<void>;
}

/**
 * Which adapter a test server uses. `express` mounts tRPC's Express middleware the way
 * `app.use('/trpc', …)` does (Express itself is not a dependency here: the mount only sets
 * `req.path` and calls the `(req, res, next)` middleware). `fastify` registers
 * `fastifyTRPCPlugin` on a real Fastify server.
 */
export type AdapterKind = 'standalone' | 'fetch' | 'express' | 'fastify';

/**
 * Every adapter, for `describe.each(HTTP_ADAPTERS)`.
 *
 * @example
 * ```ts
 * describe.each(HTTP_ADAPTERS)('X-Cache (%s adapter)', (kind) => { … });
 * ```
 */
export const HTTP_ADAPTERS: readonly AdapterKind[] = ['standalone', 'fetch', 'express', 'fastify'];

/**
 * Which halves of routecache's HTTP glue a test server installs (both by default): leaving one
 * out reproduces a wiring mistake.
 */
export interface GlueOptions {
  /** Wrap `createContext` in `withCacheContext`. @default true */
  cacheContext?: boolean;
  /** Wrap the handler in `withNodeHttpCache` / `withHttpCache`. @default true */
  httpCache?: boolean;
}

/** The context every test router gets: who calls (`x-user`), their language, a response-header setter. */
export interface TestContext {
  user: string | null;
  lang: string | null;
  setResponseHeader(name: string, value: string): void;
}

/**
 * Start `router` on a free loopback port behind the given adapter, with `withCacheContext` on
 * `createContext` and the adapter's HTTP glue (`withNodeHttpCache` / `withHttpCache`), unless
 * `glue` leaves one out.
 *
 * @example
 * ```ts
 * const server = await startTrpcServer('standalone', router);
 * await fetch(`${server.url}/posts.get?input=…`);
 * await server.close();
 * ```
 */
export async function startTrpcServer(
  kind: AdapterKind,
  router: AnyTRPCRouter,
  glue: GlueOptions = {},
): Promise<TrpcTestServer> {
  const errors: unknown[] = [];
  const onError = ({ error }: { error: unknown }) => {
    errors.push(error);
  };
  const cacheContext = glue.cacheContext ?? true;
  const httpCache = glue.httpCache ?? true;
  const withContext = <TOpts extends CreateContextOptionsLike>(
    createContext: (opts: TOpts) => TestContext,
  ) => (cacheContext ? withCacheContext(createContext) : createContext);
  const nodeContext = withContext(({ req, res }: CreateHTTPContextOptions) =>
    context(nodeHeaders(req), (name, value) => res.setHeader(name, value)),
  );
  if (kind === 'fastify') {
    const createContext = withContext(({ req, res }: CreateFastifyContextOptions) =>
      context(nodeHeaders(req), (name, value) => res.header(name, value)),
    );
    return { ...(await listenFastify(router, httpCache, { onError, createContext })), errors };
  }
  const listener =
    kind === 'standalone'
      ? wrapIf(
          httpCache,
          createHTTPHandler({ router, basePath: '/trpc/', onError, createContext: nodeContext }),
          withNodeHttpCache,
        )
      : kind === 'express'
        ? mountLikeExpress(
            wrapIf(
              httpCache,
              createExpressMiddleware({ router, onError, createContext: nodeContext }),
              withNodeHttpCache,
            ),
          )
        : bridge(
            wrapIf(
              httpCache,
              (req: Request) =>
                fetchRequestHandler({
                  endpoint: '/trpc',
                  req,
                  router,
                  onError,
                  createContext: withContext((opts: FetchCreateContextFnOptions) =>
                    context(opts.req.headers, (name, value) => opts.resHeaders.set(name, value)),
                  ),
                }),
              withHttpCache,
            ),
          );
  return { ...(await listen(listener)), errors };
}

/**
 * Serve a node-http listener on a free loopback port (for a handler built some other way, e.g.
 * by another tRPC version).
 *
 * @example
 * ```ts
 * const { url, close } = await listen(withNodeHttpCache(createHTTPHandler({ router, basePath: '/trpc/' })));
 * ```
 */
export async function listen(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Omit<TrpcTestServer, 'errors'>> {
  return listenServer(createServer(listener));
}

/**
 * Listen with a node:http `server` built elsewhere (tRPC's `createHTTPServer`, routecache's
 * `createCachedHTTPServer`) on a free loopback port; its tRPC endpoint is `/trpc`.
 *
 * @example
 * ```ts
 * const { url, close } = await listenServer(createCachedHTTPServer({ router, basePath: '/trpc/' }));
 * ```
 */
export async function listenServer(server: Server): Promise<Omit<TrpcTestServer, 'errors'>> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/trpc`,
    bytesWritten: countBytesWritten(server),
    close: () => closeServer(server),
  };
}

/** The bytes `server` writes to every socket it accepts from now on, closed ones included. */
function countBytesWritten(server: Server): () => number {
  const sockets: Socket[] = [];
  server.on('connection', (socket) => sockets.push(socket));
  return () => sockets.reduce((sum, socket) => sum + socket.bytesWritten, 0);
}

/**
 * `fastifyTRPCPlugin` (wrapped in `withFastifyHttpCache` when `httpCache`) under `/trpc` on a
 * Fastify server on a free loopback port. `maxParamLength` is raised as tRPC's Fastify docs say:
 * Fastify's default (100) turns a batch's long `a,b,c` path into a 404.
 */
async function listenFastify(
  router: AnyTRPCRouter,
  httpCache: boolean,
  trpcOptions: {
    onError: (opts: { error: unknown }) => void;
    createContext: (opts: CreateFastifyContextOptions) => Promise<TestContext> | TestContext;
  },
): Promise<Omit<TrpcTestServer, 'errors'>> {
  // `forceCloseConnections`: close drops open connections, as `closeServer` does for node:http
  // (a stream whose client went away keeps Fastify's request open otherwise).
  const app = Fastify({ routerOptions: { maxParamLength: 5000 }, forceCloseConnections: true });
  const plugin = httpCache ? withFastifyHttpCache(fastifyTRPCPlugin) : fastifyTRPCPlugin;
  await app.register(plugin, { prefix: '/trpc', trpcOptions: { router, ...trpcOptions } });
  const bytesWritten = countBytesWritten(app.server);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${address}/trpc`, bytesWritten, close: () => app.close() };
}

/** `handler` wrapped by `wrap` when `apply`, as is otherwise. */
function wrapIf<T>(apply: boolean, handler: T, wrap: (handler: T) => T): T {
  return apply ? wrap(handler) : handler;
}

/** What `app.use('/trpc', middleware)` does before calling the middleware. */
function mountLikeExpress(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    Object.assign(req, { path: pathname.slice('/trpc'.length) });
    middleware(req, res, () => {
      res.statusCode = 404;
      res.end();
    });
  };
}

function context(
  headers: { get(name: string): string | null },
  setResponseHeader: TestContext['setResponseHeader'],
): TestContext {
  return { user: headers.get('x-user'), lang: headers.get('accept-language'), setResponseHeader };
}

function nodeHeaders(req: Pick<IncomingMessage, 'headers'>): { get(name: string): string | null } {
  return {
    get: (name) => {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Serve a fetch handler from node:http: what a Node host of a fetch handler does.
 *
 * @example
 * ```ts
 * const { url, close } = await listen(bridge(withHttpCache((req) => fetchRequestHandler({ … }))));
 * ```
 */
export function bridge(
  handler: (req: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const controller = new AbortController();
      res.on('close', () => controller.abort());
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
      });
      const response = await handler(request);
      const streamed = response.headers.get('transfer-encoding') === 'chunked';
      res.statusCode = response.status;
      for (const [name, value] of response.headers) {
        if (name !== 'transfer-encoding') res.setHeader(name, value);
      }
      if (response.body === null) {
        res.end();
      } else if (streamed) {
        for await (const chunk of response.body) {
          // Leaving the loop cancels the body, which is how a fetch host stops a stream whose
          // client went away (tRPC then closes the resolver's generator).
          if (controller.signal.aborted) break;
          res.write(chunk);
        }
        res.end();
      } else {
        // A buffered body gets its Content-Length, as fetch hosts send it.
        const bytes = new Uint8Array(await response.arrayBuffer());
        res.setHeader('content-length', bytes.byteLength);
        res.end(bytes);
      }
    })().catch(() => {
      // The client went away mid-stream: nothing left to answer.
      res.destroy();
    });
  };
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
}
