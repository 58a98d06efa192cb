/**
 * The browser harness itself: Debian's Chromium starts headless with a fresh profile, loads a
 * loopback page, and the network log sees the exchange with its headers.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../support/browser.js';

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html', 'x-probe': 'yes' });
  res.end('<!doctype html><title>probe</title><h1 id="h">hello</h1>');
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe.skipIf(!chromiumAvailable())('browser harness', () => {
  it('loads a loopback page and logs its response headers', { timeout: 60_000 }, async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const session = await launchBrowser(join(import.meta.dirname, '__output__', 'launch'));
    try {
      await session.page.goto(`http://127.0.0.1:${port}/`);
      expect(await session.page.textContent('#h')).toBe('hello');
      await expect.poll(() => session.network.length).toBeGreaterThan(0);
      expect(session.network[0]).toMatchObject({ method: 'GET', status: 200 });
      expect(session.network[0]?.responseHeaders['x-probe']).toBe('yes');
      expect(await session.screenshot('loaded')).toMatch(/01-loaded\.png$/);
    } finally {
      await session.close();
    }
  });
});
