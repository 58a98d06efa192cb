// The built-in purgers' request shapes, against a local HTTP server standing in for each API
// (Fastly and Cloudflare are never called for real; the Varnish one runs for real in test/cdn).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { cloudflarePurger } from './cloudflare.js';
import { fastlyPurger } from './fastly.js';
import { varnishPurger } from './varnish.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{"success":true}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  answer = { status: 200, body: '{"success":true}' };
});

const signal = new AbortController().signal;

describe('fastlyPurger', () => {
  it('POSTs the keys as surrogate_keys to /service/{id}/purge with Fastly-Key', async () => {
    const purge = fastlyPurger({ serviceId: 'SVC 1', token: 'tok', endpoint: `${base}/` });
    await purge(['@users', 'k:abc'], signal);
    expect(seen).toEqual([
      expect.objectContaining({ method: 'POST', url: '/service/SVC%201/purge' }),
    ]);
    expect(seen[0]?.headers).toMatchObject({
      'fastly-key': 'tok',
      'content-type': 'application/json',
    });
    expect(seen[0]?.headers['fastly-soft-purge']).toBeUndefined();
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ surrogate_keys: ['@users', 'k:abc'] });
  });

  it('soft purges with Fastly-Soft-Purge: 1, 256 keys a request', async () => {
    const purge = fastlyPurger({ serviceId: 's', token: 't', soft: true, endpoint: base });
    await purge(
      Array.from({ length: 300 }, (_, i) => `k${i}`),
      signal,
    );
    expect(seen).toHaveLength(2);
    expect(seen.map((s) => s.headers['fastly-soft-purge'])).toEqual(['1', '1']);
    const counts = seen.map(
      (s) => (JSON.parse(s.body) as { surrogate_keys: string[] }).surrogate_keys.length,
    );
    expect(counts.sort()).toEqual([256, 44].sort());
  });

  it('rejects on a non-2xx answer, with the status', async () => {
    answer = { status: 401, body: '{"msg":"bad token"}' };
    const purge = fastlyPurger({ serviceId: 's', token: 't', endpoint: base });
    await expect(purge(['a'], signal)).rejects.toThrow(/answered 401: \{"msg":"bad token"\}/);
  });

  it('validates its options', () => {
    expect(() => fastlyPurger({ serviceId: '', token: 't' })).toThrow(/"serviceId"/);
    expect(() => fastlyPurger({ serviceId: 's', token: 't', endpoint: 'ftp://x' })).toThrow(
      InvalidOptionError,
    );
    expect(() => fastlyPurger({ serviceId: 's', token: 't', key: 'x' } as never)).toThrow(
      /unknown option/,
    );
  });
});

describe('cloudflarePurger', () => {
  it('POSTs {tags} to /zones/{id}/purge_cache with a bearer token, 30 tags a request', async () => {
    const purge = cloudflarePurger({ zoneId: 'zone', token: 'tok', endpoint: base });
    const tags = Array.from({ length: 31 }, (_, i) => `t${i}`);
    await purge(tags, signal);
    expect(seen).toHaveLength(2);
    for (const request of seen) {
      expect(request).toMatchObject({ method: 'POST', url: '/zones/zone/purge_cache' });
      expect(request.headers).toMatchObject({
        authorization: 'Bearer tok',
        'content-type': 'application/json',
      });
    }
    const sent = seen.flatMap((s) => (JSON.parse(s.body) as { tags: string[] }).tags);
    expect(sent.sort()).toEqual([...tags].sort());
  });

  it('an answer saying success: false is a failure', async () => {
    answer = { status: 200, body: '{"success":false,"errors":[{"code":1134}]}' };
    const purge = cloudflarePurger({ zoneId: 'z', token: 't', endpoint: base });
    await expect(purge(['a'], signal)).rejects.toThrow(/refused the purge.*1134/);
  });

  it('validates its options', () => {
    expect(() => cloudflarePurger({ zoneId: 'z', token: 7 as never })).toThrow(/"token"/);
  });
});

describe('varnishPurger', () => {
  it('sends PURGE / with an xkey header to every host', async () => {
    const purge = varnishPurger({ hosts: [base, `${base}/`], headers: { 'x-purge-secret': 's' } });
    await purge(['@users', 'k:abc'], signal);
    expect(seen).toHaveLength(2);
    for (const request of seen) {
      expect(request).toMatchObject({ method: 'PURGE', url: '/' });
      expect(request.headers).toMatchObject({ xkey: '@users k:abc', 'x-purge-secret': 's' });
    }
  });

  it('soft: xkey-softpurge; a long key list is split below 4 KiB a header', async () => {
    const purge = varnishPurger({ hosts: [base], soft: true });
    const keys = Array.from({ length: 200 }, (_, i) => `k:${String(i).padStart(22, '0')}`);
    await purge(keys, signal);
    expect(seen.length).toBeGreaterThan(1);
    const sent = seen.flatMap((s) => String(s.headers['xkey-softpurge']).split(' '));
    expect(sent.sort()).toEqual([...keys].sort());
    for (const request of seen) {
      expect(String(request.headers['xkey-softpurge']).length).toBeLessThanOrEqual(4096);
    }
  });

  it('honours the abort signal', async () => {
    const purge = varnishPurger({ hosts: [base] });
    const controller = new AbortController();
    controller.abort();
    await expect(purge(['a'], controller.signal)).rejects.toThrow(/abort/i);
  });

  it('validates its options', () => {
    expect(() => varnishPurger({ hosts: [] })).toThrow(/"hosts": must be a non-empty array/);
    expect(() => varnishPurger({ hosts: ['localhost:6081'] })).toThrow(/"hosts\[0\]"/);
  });
});
