/**
 * One origin for the page and its API: the Vite build's files, and tRPC under `/trpc/` with
 * routecache's HTTP glue (X-Cache, ETag, 304, Routecache-Invalidate, Routecache-Tags). It counts
 * the 304s it sends per procedure path, so a test can check the browser's revalidations.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { withCacheContext } from '@routecache/trpc';
import { withNodeHttpCache } from '@routecache/trpc/node';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { db } from './db.js';
import { appRouter } from './router.js';

/** A running example server. */
export interface ExampleServer {
  /** e.g. `http://127.0.0.1:43123` */
  readonly url: string;
  /** Resolver runs by procedure path. */
  readonly runs: Readonly<Record<string, number>>;
  /** `304 Not Modified` answers by the request's procedure path (`a,b` for a batch). */
  readonly notModified: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Serve the built page from `assetsDir` and tRPC under `/trpc/`, on loopback.
 *
 * @example
 * ```ts
 * const server = await startExampleServer({ assetsDir: 'dist', port: 3000 });
 * console.log(`${server.url}/?link=batch`);
 * ```
 */
export async function startExampleServer(options: {
  assetsDir: string;
  port?: number;
}): Promise<ExampleServer> {
  const notModified: Record<string, number> = {};
  const trpc = withNodeHttpCache(
    createHTTPHandler({
      router: appRouter,
      basePath: '/trpc/',
      createContext: withCacheContext(() => ({})),
    }),
  );
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (!pathname.startsWith('/trpc/')) return void serveFile(options.assetsDir, pathname, res);
    res.on('finish', () => {
      if (res.statusCode !== 304) return;
      const path = pathname.slice('/trpc/'.length);
      notModified[path] = (notModified[path] ?? 0) + 1;
    });
    trpc(req, res);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    runs: db.runs,
    notModified,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serveFile(root: string, pathname: string, res: ServerResponse): Promise<void> {
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  try {
    const body = await readFile(join(root, relative));
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(relative)] ?? 'application/octet-stream',
      // Vite names assets by content hash; the page itself is revalidated.
      'cache-control': relative.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}
