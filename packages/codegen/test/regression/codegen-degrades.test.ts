import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type CliIo, runCli } from '../../src/cli.js';
import { loadConfig } from '../../src/config/load.js';
import { discover } from '../../src/discover/discover.js';
import { copyFixture, removeCopy } from '../fixtures.js';

// Issue 17 items 1 and 2: a procedure factory, a router factory, an object member or a
// conditional spread — styles real apps use — failed the whole run (exit 1, nothing written),
// even where nothing under them was cached.
vi.setConfig({ testTimeout: 60_000 });

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

/** An app on the `edge` fixture's `t` and cacheMiddleware, with `router` as src/router.ts. */
function app(label: string, router: string[]): string {
  const dir = copyFixture('edge', label);
  writeFileSync(join(dir, 'src/router.ts'), `${router.join('\n')}\n`);
  return dir;
}

const HEADER = [
  "import { z } from 'zod';",
  "import { cacheMiddleware } from './lib/index.js';",
  "import { t } from './trpc.js';",
  '',
  'const authed = t.procedure.use(({ next }) => next());',
  '/** A permission-builder factory (single return). */',
  'function requirePermission(permission: string) {',
  "  return authed.use(({ next }) => (permission === '' ? next() : next()));",
  '}',
  '/** A router factory (single return). */',
  'function makeRouter(name: string) {',
  '  return t.router({',
  "    list: t.procedure.use(cacheMiddleware({ tags: ['lists'] })).query(() => [name]),",
  '    count: t.procedure.query(() => name.length),',
  '  });',
  '}',
  'const office = t.router({',
  '  byId: t.procedure.input(z.object({ id: z.string() })).use(cacheMiddleware()).query(({ input }) => input.id),',
  '});',
  'const routers = { office };',
  'const debug = t.router({ ping: t.procedure.use(cacheMiddleware()).query(() => 1) });',
  'declare const debugOn: boolean;',
];

describe('constructs real apps use are followed', () => {
  const dir = app('degrades-follow', [
    ...HEADER,
    'export const appRouter = t.router({',
    "  admin: requirePermission('admin').query(() => 'ok'),",
    "  cachedAdmin: requirePermission('admin').use(cacheMiddleware()).query(() => 'ok'),",
    "  a: makeRouter('a'),",
    '  offices: routers.office,',
    "  teams: routers['office'],",
    '  ...(debugOn ? { debug } : {}),',
    '  ...(debugOn && { extra: debug }),',
    '});',
  ]);
  afterAll(() => removeCopy(dir));

  it('a builder factory, a router factory, object members, conditional spreads: no diagnostics', () => {
    const { procedures, diagnostics } = discover(loadConfig({ cwd: dir }));
    expect(diagnostics).toEqual([]);
    expect(procedures.map((p) => [p.path, p.cached])).toEqual([
      ['a.count', false],
      ['a.list', true],
      ['admin', false],
      ['cachedAdmin', true],
      ['debug.ping', true],
      ['extra.ping', true],
      ['offices.byId', true],
      ['teams.byId', true],
    ]);
  });
});

describe('what cannot be followed and cannot hide a cached procedure is a warning', () => {
  const dir = app('degrades-warn', [
    ...HEADER,
    '/** Two returns: codegen does not pick one. */',
    'function pick(flag: boolean) {',
    '  if (flag) return authed;',
    '  return t.procedure;',
    '}',
    'function uncachedRouters(flag: boolean) {',
    '  if (flag) return t.router({ x: t.procedure.query(() => 1) });',
    '  return t.router({});',
    '}',
    'export const appRouter = t.router({',
    '  kept: t.procedure.use(cacheMiddleware()).query(() => 1),',
    '  picked: pick(true).query(() => 2),',
    '  hidden: uncachedRouters(true),',
    '});',
  ]);
  afterAll(() => removeCopy(dir));
  const output = join(dir, 'out/routecache.generated.ts');

  it('names file:line and what is not covered; the module is still written', async () => {
    const run = io(dir);
    expect(await runCli(['codegen'], run)).toBe(0);
    const err = run.err.join('');
    expect(err).toContain(
      'src/router.ts:34:11 - warning RC_UNRESOLVED_BUILDER: `picked`: cannot follow the procedure builder `pick(true)`',
    );
    expect(err).toContain('so it is taken as not cached (not covered: its input and middlewares)');
    expect(err).toContain(
      'src/router.ts:35:11 - warning RC_UNRESOLVED_ROUTER_ENTRY: `hidden` is not a router',
    );
    expect(err).toContain('the procedures under it are not covered (none of them is cached)');
    expect(readFileSync(output, 'utf8')).toContain("helpers.keyOf('kept', input)");
  });

  it('--strict turns the warnings into errors: exit 1, nothing written', async () => {
    const strict = copyFixture('edge', 'degrades-strict');
    try {
      writeFileSync(join(strict, 'src/router.ts'), readFileSync(join(dir, 'src/router.ts')));
      const run = io(strict);
      expect(await runCli(['codegen', '--strict'], run)).toBe(1);
      expect(run.err.join('')).toContain('warning RC_UNRESOLVED_BUILDER');
      expect(run.err.join('')).toContain('discovery failed (--strict: warnings count)');
      expect(existsSync(join(strict, 'out/routecache.generated.ts'))).toBe(false);
    } finally {
      removeCopy(strict);
    }
  });
});

describe('what cannot be followed but may hide a cached procedure still blocks', () => {
  const dir = app('degrades-block', [
    ...HEADER,
    'function cachedOrNot(flag: boolean) {',
    '  if (flag) return t.procedure.use(cacheMiddleware());',
    '  return t.procedure;',
    '}',
    'function routersOf(flag: boolean) {',
    '  if (flag) return makeRouter("x");',
    '  return t.router({});',
    '}',
    'const cachedBase = t.procedure.use(cacheMiddleware());',
    'function withAudit(base: typeof cachedBase) {',
    '  return base.use(({ next }) => next());',
    '}',
    "import { lazy } from '@trpc/server';",
    'export const appRouter = t.router({',
    '  maybe: cachedOrNot(true).query(() => 1),',
    '  nested: routersOf(true),',
    '  viaParam: withAudit(cachedBase).query(() => 2),',
    "  lazyTwo: lazy(() => import('./two.js')),",
    '});',
  ]);
  // Two router exports: codegen cannot tell which one the lazy router loads.
  writeFileSync(
    join(dir, 'src/two.ts'),
    [
      "import { cacheMiddleware } from './lib/index.js';",
      "import { t } from './trpc.js';",
      'export const one = t.router({ a: t.procedure.use(cacheMiddleware()).query(() => 1) });',
      'export const two = t.router({ b: t.procedure.query(() => 2) });',
      '',
    ].join('\n'),
  );
  afterAll(() => removeCopy(dir));

  it('is an error naming file:line, and nothing is written', async () => {
    const run = io(dir);
    expect(await runCli(['codegen'], run)).toBe(1);
    const err = run.err.join('');
    expect(err).toContain('src/router.ts:37:10 - error RC_UNRESOLVED_BUILDER: `maybe`');
    expect(err).toContain('a cache middleware is reachable from it');
    expect(err).toContain('src/router.ts:38:11 - error RC_UNRESOLVED_ROUTER_ENTRY: `nested`');
    // The factory's parameter is a cached builder: reachable through the call's arguments.
    expect(err).toContain(
      'src/router.ts:39:13 - error RC_UNRESOLVED_BUILDER: `viaParam`: cannot follow the procedure builder `base` (in what `withAudit(cachedBase)` returns)',
    );
    // A lazy router: the module it loads counts.
    expect(err).toContain(
      'src/router.ts:40:12 - error RC_UNRESOLVED_ROUTER_ENTRY: `lazyTwo` is a lazy router whose module does not have exactly one router export',
    );
    expect(existsSync(join(dir, 'out/routecache.generated.ts'))).toBe(false);
  });
});
