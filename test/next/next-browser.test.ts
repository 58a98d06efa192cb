/**
 * examples/next in a real browser (Debian's Chromium, fresh profile) against `next start`: the
 * page renders the server component's read and the client components' data, and a reload
 * revalidates the tRPC request with If-None-Match and gets 304s — the browser's HTTP cache
 * replays its stored 200 to @trpc/client, the resolvers do not run again.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, chromiumAvailable, launchBrowser } from '../support/browser.js';
import { type NextServer, startNext } from '../support/next-app.js';
import { recordWire } from '../support/wire-log.js';
import { reads } from './http.js';

const OUT = join(import.meta.dirname, '__output__', 'next-browser');

describe.skipIf(!chromiumAvailable())('next start in Chromium', () => {
  let next: NextServer;
  let session: BrowserSession;
  let wire: Awaited<ReturnType<typeof recordWire>>;
  beforeAll(async () => {
    next = await startNext('start');
    session = await launchBrowser(OUT);
    wire = await recordWire(session);
  });
  afterAll(async () => {
    await session?.close();
    await next?.stop();
  });

  const isTrpc = (entry: { url: string }) => entry.url.includes('/api/trpc/');
  const trpcExchanges = () => session.network.filter(isTrpc);
  let loadVary: string | undefined;
  /** A Vary value's names, lower-cased and sorted (CDP joins repeated header lines with \n). */
  const varyNames = (vary: string | undefined) =>
    (vary ?? '')
      .split(/[,\n]/)
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '')
      .sort();

  async function expectRendered(): Promise<void> {
    const { page } = session;
    expect(await page.textContent('#server-user')).toBe('Ada Lovelace');
    await page.waitForSelector('#client-user-1[data-status="success"]');
    await page.waitForSelector('#client-user-2[data-status="success"]');
    expect(await page.textContent('#client-user-1')).toBe('Ada Lovelace');
    expect(await page.textContent('#client-user-2')).toBe('Grace Hopper');
  }

  it('renders the server component and the client components, fetched with cache headers', async () => {
    await session.page.goto(`${next.origin}/`);
    await expectRendered();
    await expect.poll(() => trpcExchanges().length).toBeGreaterThan(0);
    const [first] = trpcExchanges();
    expect(first).toMatchObject({ method: 'GET', status: 200 });
    // users.get({ id: 1 }) was filled by the server component's render: a HIT over HTTP.
    expect(first?.responseHeaders['x-cache']).toBe('HIT, MISS');
    expect(first?.responseHeaders.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first?.responseHeaders['cache-control']).toBe('no-cache');
    expect(await reads(next.origin)).toEqual({ '1': 1, '2': 1 });
    loadVary = wire.entries().find(isTrpc)?.wireResponseHeaders.vary;
    expect(loadVary).toBeDefined();
    await session.screenshot('loaded');
  });

  it('revalidates on reload: If-None-Match, 304, the same data, no resolver run', async () => {
    const etag = trpcExchanges()[0]?.responseHeaders.etag;
    session.network.clear();
    wire.clear();
    await session.page.reload();
    await expectRendered();
    await expect.poll(() => wire.entries().filter(isTrpc).length).toBeGreaterThan(0);
    // On the wire: 304s, each with the Vary of the 200 it revalidated.
    const wired = wire.entries().filter(isTrpc);
    expect(wired.map((entry) => entry.wireStatus)).toEqual(wired.map(() => 304));
    expect(wired[0]?.wireResponseHeaders['x-cache']).toBe('HIT, HIT');
    expect(varyNames(wired[0]?.wireResponseHeaders.vary)).toEqual(varyNames(loadVary));
    // To the page (Playwright's log): the stored 200, revalidated with the ETag it carried.
    const exchanges = trpcExchanges();
    expect(exchanges.map((entry) => entry.status)).toEqual(exchanges.map(() => 200));
    expect(exchanges[0]?.requestHeaders['if-none-match']).toBe(etag);
    // The server component read again through the caller: a HIT, like the 304's calls.
    expect(await reads(next.origin)).toEqual({ '1': 1, '2': 1 });
    await session.screenshot('reloaded');
  });
});
