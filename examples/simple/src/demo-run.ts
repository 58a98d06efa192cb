/**
 * The quick-start demo's steps, as a function the smoke test runs too: start the simple app on
 * a free loopback port, call it with raw fetch and the real tRPC client, print what the cache did
 * and return it. Everything printed is measured, not assumed. Run it once per process: the cache
 * and the db are module state.
 */
import type { AddressInfo } from 'node:net';
import { createCachedHTTPServer } from '@routecache/trpc/node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { type AppRouter, appRouter, db } from './router.js';

/** One raw GET of `user`: what the cache answered. */
export interface Read {
  status: number;
  xCache: string | null;
  etag: string | null;
  bodyBytes: number;
}

/** What the demo measured. */
export interface DemoFacts {
  /** MISS, HIT, then the conditional request with the ETag (304). */
  reads: Read[];
  /** `client.user.query({ id: 1 })` after the reads (a HIT). */
  cachedValue: unknown;
  /** Entries `renameUser` invalidated. */
  removed: number;
  /** The GET after the mutation, and the client's value then. */
  afterRename: { read: Read; value: unknown };
  /** Resolver runs over the whole demo. */
  resolverRuns: number;
}

/**
 * Run the demo and return its facts.
 *
 * @example
 * ```ts
 * const facts = await runDemo(() => {});
 * facts.reads.map((r) => r.xCache); // ['MISS', 'HIT', 'HIT']
 * ```
 */
export async function runDemo(log: (line: string) => void = console.log): Promise<DemoFacts> {
  const server = createCachedHTTPServer({ router: appRouter, basePath: '/trpc/' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url })] });
    const userUrl = `${url}/user?input=${encodeURIComponent(JSON.stringify({ id: 1 }))}`;

    async function get(headers: Record<string, string> = {}): Promise<Read> {
      const [res, time] = await timed(() => fetch(userUrl, { headers }));
      const body = await res.text();
      const read = {
        status: res.status,
        xCache: res.headers.get('x-cache'),
        etag: res.headers.get('etag'),
        bodyBytes: body.length,
      };
      log(
        `  GET user  ${read.status}  X-Cache: ${read.xCache ?? '-'}  ETag: ${(read.etag ?? '-').slice(0, 14)}…  ` +
          `Cache-Control: ${res.headers.get('cache-control') ?? '-'}  body ${read.bodyBytes} B  ${time}`,
      );
      return read;
    }

    log(`routecache demo — tRPC server on ${url} (in-memory store)\n`);
    log('1. Raw HTTP: a miss runs the resolver (150 ms), the repeat is served from the cache:');
    const first = await get();
    const second = await get();
    log('\n2. Conditional request with the ETag: 304 Not Modified, empty body:');
    const conditional = await get({ 'if-none-match': first.etag ?? '' });

    log('\n3. The real @trpc/client sees the cached value:');
    const [cachedValue, time] = await timed(() => client.user.query({ id: 1 }));
    log(`  client.user.query({ id: 1 }) → ${JSON.stringify(cachedValue)}  ${time}`);

    log('\n4. A mutation invalidates the entry; the next read is a MISS with the new value:');
    const { removed } = await client.renameUser.mutate({ id: 1, name: 'Ada King' });
    log(`  renameUser → removed ${removed} entr${removed === 1 ? 'y' : 'ies'}`);
    const read = await get();
    const value = await client.user.query({ id: 1 });
    log(`  client.user.query({ id: 1 }) → ${JSON.stringify(value)}`);

    log(`\nThe resolver ran ${db.reads} times for 6 reads.`);
    return {
      reads: [first, second, conditional],
      cachedValue,
      removed,
      afterRename: { read, value },
      resolverRuns: db.reads,
    };
  } finally {
    server.close();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, string]> {
  const start = performance.now();
  const value = await fn();
  return [value, `${(performance.now() - start).toFixed(1)} ms`];
}
