/**
 * The oRPC demo's steps, as a function the smoke test runs too: serve the router with oRPC's
 * Node RPCHandler and routecache's CachePlugin on a free loopback port, call it with the real
 * oRPC client (and raw fetch for the conditional request), print what the cache did and return
 * it. Run it once per process: the cache and the db are module state.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createORPCClient } from '@orpc/client';
import { RPCLink } from '@orpc/client/fetch';
import type { RouterClient } from '@orpc/server';
import { RPCHandler } from '@orpc/server/node';
import { BatchHandlerPlugin } from '@orpc/server/plugins';
import { CachePlugin } from '@routecache/orpc';
import { db, router } from './router.js';

/** What the cache answered one call. */
export interface Seen {
  status: number;
  xCache: string | null;
  etag: string | null;
}

/** What the demo measured. */
export interface OrpcDemoFacts {
  /** The client's two reads (MISS, HIT), then the conditional raw GET (304). */
  seen: Seen[];
  /** The values of the two reads. */
  values: unknown[];
  /** Entries `users.rename` invalidated, and the read after it. */
  removed: number;
  afterRename: { seen: Seen; value: unknown };
  resolverRuns: number;
}

/**
 * Run the demo and return its facts.
 *
 * @example
 * ```ts
 * const facts = await runOrpcDemo(() => {});
 * facts.seen.map((s) => s.xCache); // ['MISS', 'HIT', 'HIT']
 * ```
 */
export async function runOrpcDemo(
  log: (line: string) => void = console.log,
): Promise<OrpcDemoFacts> {
  const handler = new RPCHandler(router, {
    plugins: [new CachePlugin(), new BatchHandlerPlugin()],
  });
  const server = createServer((req, res) => {
    void handler.handle(req, res, { prefix: '/rpc', context: {} });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`;
    let last: { response: Response; url: string } | undefined;
    const client: RouterClient<typeof router> = createORPCClient(
      new RPCLink({
        url,
        // GET for reads (cacheable, revalidatable), POST for the rename.
        method: ({ context: _context }, path) => (path.at(-1) === 'get' ? 'GET' : 'POST'),
        fetch: async (request, init) => {
          const response = await fetch(request as Request, init as RequestInit);
          last = { response, url: (request as Request).url };
          return response;
        },
      }),
    );
    const seenOf = (response: Response): Seen => ({
      status: response.status,
      xCache: response.headers.get('x-cache'),
      etag: response.headers.get('etag'),
    });
    const read = async () => {
      const value = await client.users.get({ id: 1 });
      const seen = seenOf(last?.response as Response);
      log(
        `  users.get({ id: 1 })  X-Cache: ${seen.xCache}  ETag: ${seen.etag?.slice(0, 14)}…  → ${JSON.stringify(value)}`,
      );
      return { value, seen };
    };

    log(`routecache demo — oRPC RPCHandler on ${url} (in-memory store)\n`);
    log('1. The real oRPC client: a miss runs the handler (150 ms), the repeat is a hit:');
    const first = await read();
    const second = await read();

    log('\n2. The same GET with If-None-Match: 304 Not Modified, empty body:');
    const conditional = await fetch(last?.url ?? url, {
      headers: { 'if-none-match': first.seen.etag ?? '' },
    });
    const notModified = seenOf(conditional);
    log(
      `  ${notModified.status}  X-Cache: ${notModified.xCache}  body ${(await conditional.text()).length} B`,
    );

    log('\n3. users.rename invalidates through routeKeys(router); the next read is a MISS:');
    const { removed } = await client.users.rename({ id: 1, name: 'Ada King' });
    log(`  users.rename → removed ${removed} entr${removed === 1 ? 'y' : 'ies'}`);
    const after = await read();

    log(`\nThe handler ran ${db.reads} times for 4 reads.`);
    return {
      seen: [first.seen, second.seen, notModified],
      values: [first.value, second.value],
      removed,
      afterRename: after,
      resolverRuns: db.reads,
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
