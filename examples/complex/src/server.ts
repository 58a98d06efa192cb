/** Serve the app over HTTP with routecache's glue (X-Cache, ETag, Vary, Cache-Control, 304). */
import type { AddressInfo } from 'node:net';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { createContext } from './context.js';
import { appRouter } from './router.js';

/** A running server. */
export interface AppServer {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:41234/trpc`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Start the app on a free loopback port.
 *
 * @example
 * ```ts
 * const server = await startServer();
 * await fetch(`${server.url}/posts.titles`);
 * await server.close();
 * ```
 */
export async function startServer(): Promise<AppServer> {
  const server = createCachedHTTPServer({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req }) => createContext(req.headers),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
