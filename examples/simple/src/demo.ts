/**
 * `pnpm demo`: starts the simple app on a free loopback port, calls it with the real tRPC client
 * and with raw fetch, and prints what the cache did. Everything printed is measured, not assumed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withCacheContext } from '@routecache/trpc';
import { withNodeHttpCache } from '@routecache/trpc/node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { type AppRouter, appRouter, db } from './router.js';

const server = createServer(
  withNodeHttpCache(
    createHTTPHandler({
      router: appRouter,
      basePath: '/trpc/',
      createContext: withCacheContext(() => ({})),
    }),
  ),
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
const client = createTRPCClient<AppRouter>({ links: [httpLink({ url })] });
const userUrl = `${url}/user?input=${encodeURIComponent(JSON.stringify({ id: 1 }))}`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, string]> {
  const start = performance.now();
  const value = await fn();
  return [value, `${(performance.now() - start).toFixed(1)} ms`];
}

async function get(headers: Record<string, string> = {}) {
  const [res, time] = await timed(() => fetch(userUrl, { headers }));
  const body = await res.text();
  const h = (name: string) => res.headers.get(name) ?? '-';
  console.log(
    `  GET user  ${res.status}  X-Cache: ${h('x-cache')}  ETag: ${h('etag').slice(0, 14)}…  ` +
      `Cache-Control: ${h('cache-control')}  body ${body.length} B  ${time}`,
  );
  return res;
}

console.log(`routecache demo — tRPC server on ${url} (in-memory store)\n`);
console.log('1. Raw HTTP: a miss runs the resolver (150 ms), the repeat is served from the cache:');
const first = await get();
await get();
const etag = first.headers.get('etag') ?? '';
console.log('\n2. Conditional request with the ETag: 304 Not Modified, empty body:');
await get({ 'if-none-match': etag });

console.log('\n3. The real @trpc/client sees the cached value:');
const [user, time] = await timed(() => client.user.query({ id: 1 }));
console.log(`  client.user.query({ id: 1 }) → ${JSON.stringify(user)}  ${time}`);

console.log('\n4. A mutation invalidates the entry; the next read is a MISS with the new value:');
const { removed } = await client.renameUser.mutate({ id: 1, name: 'Ada King' });
console.log(`  renameUser → removed ${removed} entr${removed === 1 ? 'y' : 'ies'}`);
await get();
const renamed = await client.user.query({ id: 1 });
console.log(`  client.user.query({ id: 1 }) → ${JSON.stringify(renamed)}`);

console.log(`\nThe resolver ran ${db.reads} times for 6 reads.`);
server.close();
