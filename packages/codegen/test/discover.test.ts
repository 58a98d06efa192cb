import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { discover } from '../src/discover/discover.js';
import { copyFixture, fixtureConfig, removeCopy } from './fixtures.js';

// Each test loads a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

const summary = (name: string) =>
  discover(fixtureConfig(name)).procedures.map((p) => ({
    path: p.path,
    type: p.type,
    cached: p.cached,
    lazy: p.lazyPrefix,
  }));

describe('discover', () => {
  it('walks nested routers, plain records and sub-routers; resolves symbols, not names', () => {
    // `fresh` uses a look-alike `createCacheMiddleware` (not routecache's): not cached.
    expect(summary('app')).toEqual([
      { path: 'catalog.featured', type: 'query', cached: true, lazy: undefined },
      { path: 'catalog.products.by-sku', type: 'query', cached: true, lazy: undefined },
      { path: 'catalog.products.list', type: 'query', cached: true, lazy: undefined },
      { path: 'fresh', type: 'query', cached: false, lazy: undefined },
      { path: 'health', type: 'query', cached: false, lazy: undefined },
      { path: 'users.byEmail', type: 'query', cached: true, lazy: undefined },
      { path: 'users.get', type: 'query', cached: true, lazy: undefined },
      { path: 'users.me', type: 'query', cached: true, lazy: undefined },
      { path: 'users.rename', type: 'mutation', cached: false, lazy: undefined },
    ]);
  });

  it('walks merged routers and lazy routers (whole-module and .then(m => m.x) imports)', () => {
    expect(summary('lazy')).toEqual([
      { path: 'audit.entries', type: 'query', cached: true, lazy: 'audit' },
      { path: 'audit.purge', type: 'mutation', cached: false, lazy: 'audit' },
      { path: 'ping', type: 'query', cached: true, lazy: undefined },
      { path: 'reports.daily', type: 'query', cached: true, lazy: 'reports' },
      { path: 'uptime', type: 'query', cached: true, lazy: undefined },
      { path: 'version', type: 'query', cached: true, lazy: undefined },
    ]);
  });

  it('reads static options through base procedures, consts and renamed imports', () => {
    const app = discover(fixtureConfig('app')).procedures;
    const byPath = new Map(app.map((p) => [p.path, p.options]));
    expect(byPath.get('users.get')).toMatchObject({
      namespace: 'users',
      tags: ['users'],
      vary: ['accept-language'],
      customKey: undefined,
    });
    expect(byPath.get('users.byEmail')?.customKey).toEqual({ readsContext: false });
    expect(byPath.get('users.me')).toMatchObject({
      scope: 'private',
      customKey: { readsContext: true },
    });
    expect(byPath.get('catalog.products.list')?.tags).toEqual(['catalog']);
    const lazy = new Map(
      discover(fixtureConfig('lazy')).procedures.map((p) => [p.path, p.options]),
    );
    expect(lazy.get('reports.daily')).toMatchObject({
      namespace: 'hourly',
      tags: ['reports', 'slow'],
    });
    // `key: (options) => options.input.since` reads only input.
    expect(lazy.get('audit.entries')?.customKey).toEqual({ readsContext: false });
  });

  it('records source locations relative to the config root', () => {
    const get = discover(fixtureConfig('app')).procedures.find((p) => p.path === 'users.get');
    expect(get?.location).toEqual({ file: 'src/users.ts', line: 12, column: 6 });
  });

  it('reports what it cannot resolve with file:line and a hint, never skipping silently', () => {
    const { procedures, diagnostics } = discover(fixtureConfig('unresolved'));
    expect(procedures.map((p) => [p.path, p.cached])).toEqual([
      ['limited', false],
      ['ok', false],
      ['opaque', true],
      ['save', true],
    ]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'RC_UNRESOLVED_ROUTER_ENTRY',
        message: expect.stringContaining('`built`'),
        hint: expect.stringContaining('t.router'),
        location: { file: 'src/router.ts', line: 22, column: 10 },
      }),
      expect.objectContaining({
        severity: 'warning',
        code: 'RC_DYNAMIC_CACHE_OPTIONS',
        location: { file: 'src/router.ts', line: 24, column: 43 },
      }),
      expect.objectContaining({
        severity: 'warning',
        code: 'RC_OPAQUE_MIDDLEWARE',
        location: { file: 'src/router.ts', line: 28, column: 28 },
      }),
    ]);
    expect(procedures.find((p) => p.path === 'opaque')?.options).toMatchObject({
      namespace: 'dynamic',
      customKey: { readsContext: 'unknown' },
    });
  });
});

describe('discover, constructs it must not get silently wrong (fixture edge)', () => {
  const { procedures, diagnostics } = discover(fixtureConfig('edge'));
  const cached = (path: string) => procedures.find((p) => p.path === path)?.cached;

  it('resolves a cacheMiddleware imported through a re-export barrel (export *, renamed, namespace)', () => {
    expect([cached('barrel'), cached('renamed'), cached('namespaced'), cached('plain')]).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('follows a function that just returns cacheMiddleware(...); a plain middleware factory is not cached', () => {
    expect([cached('wrapped'), cached('limited')]).toEqual([true, false]);
    // A `let` never assigned again is read through its initializer, like a const.
    expect(cached('once')).toBe(true);
  });

  it('reports each unreadable construct with file:line and a hint', () => {
    expect(diagnostics).toEqual([
      // A cached base procedure (no input) extended with .input(): the adapter refuses it at run time.
      expect.objectContaining({
        severity: 'error',
        code: 'RC_CACHE_BEFORE_INPUT',
        message: expect.stringContaining('the cacheMiddleware (src/trpc.ts:7) runs before'),
        hint: expect.stringContaining('after .input('),
        location: { file: 'src/router.ts', line: 19, column: 9 },
      }),
      expect.objectContaining({
        severity: 'warning',
        code: 'RC_DYNAMIC_OPTION',
        message: expect.stringContaining('option `key` is not a function codegen can read'),
        hint: expect.stringContaining('inline'),
        location: { file: 'src/router.ts', line: 23, column: 54 },
      }),
      // `let reassigned = t.procedure; reassigned = reassigned.use(cache…)`: never the initializer.
      expect.objectContaining({
        severity: 'error',
        code: 'RC_UNRESOLVED_BUILDER',
        message: expect.stringContaining(
          '`reassigned` is reassigned, so its value is unknown (src/router.ts:11)',
        ),
        hint: expect.stringContaining('consts'),
        location: { file: 'src/router.ts', line: 25, column: 10 },
      }),
      // A value codegen cannot see into, from which no cache middleware is reachable: a warning.
      expect.objectContaining({
        severity: 'warning',
        code: 'RC_UNRESOLVED_ROUTER_ENTRY',
        message: expect.stringContaining('spreads `...extra`'),
        hint: expect.stringContaining('t.router'),
        location: { file: 'src/router.ts', line: 27, column: 6 },
      }),
      // Cached or not depending on a value, or on what a function returns: never a guess.
      expect.objectContaining({
        severity: 'error',
        code: 'RC_UNRESOLVED_MIDDLEWARE',
        message: expect.stringContaining('may or may not be a cacheMiddleware (src/router.ts:33)'),
        location: { file: 'src/router.ts', line: 33, column: 32 },
      }),
      expect.objectContaining({
        severity: 'error',
        code: 'RC_UNRESOLVED_MIDDLEWARE',
        message: expect.stringContaining(
          '`cacheIf(flag)` is made by a function that uses a cacheMiddleware (src/router.ts:50)',
        ),
        hint: expect.stringContaining('pass cacheMiddleware(...) itself'),
        location: { file: 'src/router.ts', line: 35, column: 26 },
      }),
    ]);
  });

  it('leaves no procedure of the fixture without a verdict', () => {
    expect(procedures.map((p) => p.path)).toEqual([
      'barrel',
      'conditional',
      'dynamicKey',
      'late',
      'limited',
      'maybe',
      'moved',
      'namespaced',
      'once',
      'plain',
      'renamed',
      'wrapped',
    ]);
  });
});

describe('dynamic cacheMiddleware options', () => {
  it('warn once per option that is not a literal (namespace, scope, vary, tags) or has a computed name, not for a tags function', () => {
    const dir = copyFixture('edge', 'dynamic');
    try {
      writeFileSync(
        join(dir, 'src/router.ts'),
        [
          "import { cacheMiddleware } from './lib/index.js';",
          "import { t } from './trpc.js';",
          'const pick = (a: string): string => a;',
          'export const appRouter = t.router({',
          "  q: t.procedure.use(cacheMiddleware({ namespace: pick('n'), scope: pick('public'), vary: [pick('x')], tags: [pick('t')] })).query(() => 1),",
          '  // A tags function computes names per call by design: no warning.',
          "  r: t.procedure.use(cacheMiddleware({ tags: () => ['computed'] })).query(() => 2),",
          "  s: t.procedure.use(cacheMiddleware({ [pick('key')]: () => 'k' })).query(() => 3),",
          '});',
          '',
        ].join('\n'),
      );
      const { diagnostics, procedures } = discover(loadConfig({ cwd: dir }));
      expect(diagnostics.map((d) => [d.code, d.severity, d.message.split(' ')[2]])).toEqual([
        ['RC_DYNAMIC_OPTION', 'warning', '`namespace`'],
        ['RC_DYNAMIC_OPTION', 'warning', '`scope`'],
        ['RC_DYNAMIC_OPTION', 'warning', '`vary`'],
        ['RC_DYNAMIC_OPTION', 'warning', '`tags`'],
        ['RC_DYNAMIC_OPTION', 'warning', "`[pick('key')]`"],
      ]);
      expect(procedures[1]?.options?.dynamicTags).toBe(true);
      expect(procedures[0]?.options).toMatchObject({
        namespace: 'dynamic',
        scope: 'dynamic',
        vary: 'dynamic',
        dynamicTags: true,
      });
    } finally {
      removeCopy(dir);
    }
  });
});

describe('compiled packages', () => {
  it('are not loaded: a middleware or builder imported from one is opaque (a warning), as from a .d.ts', () => {
    const dir = copyFixture('edge', 'package');
    try {
      writeFileSync(
        join(dir, 'src/router.ts'),
        [
          "import { rateLimit, sharedRouter } from '@acme/compiled';",
          "import { t } from './trpc.js';",
          'export const appRouter = t.router({',
          '  limited: t.procedure.use(rateLimit).query(() => 1),',
          '  shared: sharedRouter,',
          '});',
          '',
        ].join('\n'),
      );
      const { diagnostics, procedures } = discover(loadConfig({ cwd: dir }));
      expect(diagnostics.map((d) => [d.code, d.severity, d.location.line])).toEqual([
        ['RC_OPAQUE_MIDDLEWARE', 'warning', 4],
        ['RC_UNRESOLVED_ROUTER_ENTRY', 'warning', 5],
      ]);
      expect(procedures.map((p) => [p.path, p.cached])).toEqual([['limited', false]]);
    } finally {
      removeCopy(dir);
    }
  });
});
