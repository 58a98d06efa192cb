/**
 * Writes `__fixtures__/t3`: an app in the style of create-t3-app (`createTRPCRouter`,
 * `publicProcedure`/`protectedProcedure` in `~/server/api/trpc`, `~/` path aliases, one router per
 * file, routers importing each other, a permission-builder factory, a router factory,
 * `satisfies TRPCRouterRecord`, a conditional spread and object members in the root router).
 *
 * ```sh
 * pnpm exec tsx test/t3-fixture.ts   # from packages/codegen; then UPDATE_GOLDEN=1 for expected/
 * ```
 *
 * It formats what it wrote with the repository's biome (so `pnpm lint` passes on it);
 * test/t3.test.ts checks the committed fixture means what this script writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The entity routers, one file each under src/server/api/routers/. */
export const T3_ENTITIES = [
  'post',
  'comment',
  'user',
  'office',
  'team',
  'project',
  'task',
  'invoice',
  'customer',
  'product',
  'order',
  'inventory',
  'shipment',
  'supplier',
  'report',
  'notification',
  'setting',
  'billing',
  'calendar',
  'document',
  'message',
  'webhook',
] as const;

/** Routers made by the `makeTaxonomyRouter` factory, at these root paths. */
export const T3_TAXONOMIES = ['tags', 'categories', 'labels'] as const;

/**
 * How each cached query is called, for the equivalence test: `list` `{ page?, q? }`, `byId`
 * `{ id }`, `mine` no input and a ctx-reading key, `count` no input, `forOrg` `{ status? }` and a
 * ctx-reading key, `recent` `{ days? }`.
 */
export type T3CaseKind = 'list' | 'byId' | 'mine' | 'count' | 'forOrg' | 'recent';

/** The root path of an entity router: object members for two of them, as apps rename on mount. */
const mount = (entity: string): string =>
  entity === 'office' ? 'offices' : entity === 'team' ? 'teams' : entity;

/** Every cached query of the fixture, by path. */
export function t3Cases(): Record<string, T3CaseKind> {
  const cases: Record<string, T3CaseKind> = {};
  const entityCases = (prefix: string, index: number) => {
    for (const kind of ['list', 'byId', 'mine', 'count'] as const)
      cases[`${prefix}.${kind}`] = kind;
    if (index % 2 === 0) cases[`${prefix}.forOrg`] = 'forOrg';
    else cases[`${prefix}.recent`] = 'recent';
  };
  T3_ENTITIES.forEach((entity, index) => {
    entityCases(mount(entity), index);
  });
  // admin.users is the user router again, imported by admin.ts.
  entityCases('admin.users', T3_ENTITIES.indexOf('user'));
  cases['admin.overview'] = 'mine';
  cases['report.projects'] = 'list';
  for (const taxonomy of T3_TAXONOMIES) {
    cases[`${taxonomy}.list`] = 'count';
    cases[`${taxonomy}.byId`] = 'byId';
  }
  return cases;
}

function entityRouter(entity: string, index: number): string {
  // report.ts mounts `projectRouter.list`: a member of a record, which codegen reads.
  const record = index % 2 === 0 || entity === 'project';
  const vary = index % 3 === 0 ? ", vary: ['accept-language']" : '';
  const sixth =
    index % 2 === 0
      ? `  forOrg: requirePermission('${entity}:read')
    .input(z.object({ status: z.enum(['open', 'closed']).default('open') }))
    .use(
      cacheMiddleware({
        key: ({ ctx, input }) => \`${entity}:\${ctx.session.user.orgId}:\${input.status}\`,
      }),
    )
    .query(({ ctx, input }) => ctx.db.list('${entity}', { q: input.status })),`
      : `  recent: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).default(7) }))
    .use(cacheMiddleware({ scope: 'private', ttl: 30 }))
    .query(({ ctx, input }) => ctx.db.list('${entity}', { page: input.days })),`;
  const invalidates = entity === 'post';
  const body = `  list: publicProcedure
    .input(z.object({ page: z.number().int().min(1).default(1), q: z.string().optional() }))
    .use(cacheMiddleware({ ttl: 60, tags: ['${entity}'] }))
    .query(({ ctx, input }) => ctx.db.list('${entity}', input)),
  byId: publicProcedure
    .input(z.object({ id: z.string() }))
    .use(cacheMiddleware({ namespace: '${entity}', tags: ['${entity}']${vary} }))
    .query(({ ctx, input }) => ctx.db.get('${entity}', input.id)),
  mine: protectedProcedure
    .use(
      cacheMiddleware({ scope: 'private', key: ({ ctx }) => \`${entity}:mine:\${ctx.session.user.id}\` }),
    )
    .query(({ ctx }) => ctx.db.list('${entity}', { q: ctx.session.user.id })),
  count: publicProcedure
    .use(cacheMiddleware({ ttl: 30, tags: ['${entity}'] }))
    .query(({ ctx }) => ctx.db.count('${entity}')),
${sixth}
  create: protectedProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(${invalidates ? 'async ' : ''}({ ctx, input }) => {
      const created = ctx.db.create('${entity}', input.name);
${
  invalidates
    ? `      // Annotated: a resolver's return type must not wait on the router's own type (TS7022).
      const removed: number = await invalidateTag.${entity}();
      return { ...created, removed };`
    : '      return created;'
}
    }),
  update: requirePermission('${entity}:write')
    .input(z.object({ id: z.string(), name: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.db.rename('${entity}', input.id, input.name)),
  stats: requirePermission('admin').query(({ ctx }) => ({ total: ctx.db.count('${entity}') })),
`;
  const imports = [
    ...(record ? ["import type { TRPCRouterRecord } from '@trpc/server';"] : []),
    "import { z } from 'zod';",
    ...(invalidates
      ? ["import { invalidateTag } from '../../../../expected/routecache.generated';"]
      : []),
    "import { cacheMiddleware } from '~/server/cache';",
    `import { ${record ? '' : 'createTRPCRouter, '}protectedProcedure, publicProcedure, requirePermission } from '~/server/api/trpc';`,
  ];
  const name = `${entity}Router`;
  const declaration = record
    ? `export const ${name} = {\n${body}} satisfies TRPCRouterRecord;`
    : `export const ${name} = createTRPCRouter({\n${body}});`;
  return `${imports.join('\n')}\n\n${declaration}\n`;
}

const FILES: Record<string, string> = {
  'routecache.config.json': `${JSON.stringify(
    {
      router: { module: 'src/server/api/root.ts', export: 'appRouter' },
      output: 'expected/routecache.generated.ts',
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `${JSON.stringify(
    {
      extends: '../../../../../tsconfig.base.json',
      compilerOptions: {
        noEmit: true,
        module: 'ESNext',
        moduleResolution: 'Bundler',
        paths: { '~/*': ['./src/*'] },
      },
      include: ['src', 'expected'],
    },
    null,
    2,
  )}\n`,
  'src/env.ts': `// As create-t3-app's env.js, without its validation.
export const env = { NODE_ENV: process.env.NODE_ENV ?? 'development' };
`,
  'src/server/db.ts': `/** An in-memory stand-in for the app's database client. */
export interface Row {
  id: string;
  name: string;
}

const tables = new Map<string, Row[]>();
const table = (name: string): Row[] => {
  let rows = tables.get(name);
  if (rows === undefined) {
    rows = [];
    tables.set(name, rows);
  }
  return rows;
};

export const db = {
  list: (name: string, filter: { page?: number; q?: string | undefined }) =>
    table(name).filter((row) => filter.q === undefined || row.name.includes(filter.q)),
  get: (name: string, id: string) => table(name).find((row) => row.id === id) ?? null,
  count: (name: string) => table(name).length,
  create: (name: string, value: string): Row => {
    const row = { id: String(table(name).length + 1), name: value };
    table(name).push(row);
    return row;
  },
  rename: (name: string, id: string, value: string) => {
    const row = table(name).find((r) => r.id === id);
    if (row) row.name = value;
    return row ?? null;
  },
};
`,
  'src/server/auth.ts': `/** A stand-in for the app's auth(): the session of the request, or null. */
export interface Session {
  user: { id: string; orgId: string; permissions: string[] };
}

export function auth(headers: Headers): Session | null {
  const id = headers.get('x-user');
  if (id === null) return null;
  return { user: { id, orgId: headers.get('x-org') ?? 'org-1', permissions: ['*'] } };
}
`,
  'src/server/cache.ts': `import { createCache, memoryStore } from '@routecache/core';
import { createCacheMiddleware } from '@routecache/trpc';
import type { Session } from '~/server/auth';

export const cache = createCache({ store: memoryStore(), namespace: 't3' });

export const cacheMiddleware = createCacheMiddleware(cache, {
  principal: (ctx: { session: Session | null }) => ctx.session?.user.id,
});
`,
  'src/server/api/trpc.ts': `/**
 * As create-t3-app's trpc.ts: the context, the tRPC instance and the procedures routers use.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { auth } from '~/server/auth';
import { db } from '~/server/db';

export const createTRPCContext = async (opts: { headers: Headers }) => {
  const session = auth(opts.headers);
  return { db, session, ...opts };
};

const t = initTRPC.context<typeof createTRPCContext>().create();

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

const timingMiddleware = t.middleware(async ({ next }) => {
  const result = await next();
  return result;
});

export const publicProcedure = t.procedure.use(timingMiddleware);

export const protectedProcedure = t.procedure.use(timingMiddleware).use(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { session: { ...ctx.session, user: ctx.session.user } } });
});

/** A permission-builder factory: a procedure that requires one permission of the user. */
export function requirePermission(permission: string) {
  return protectedProcedure.use(({ ctx, next }) => {
    const granted = ctx.session.user.permissions;
    if (!granted.includes(permission) && !granted.includes('*')) {
      throw new TRPCError({ code: 'FORBIDDEN' });
    }
    return next({ ctx: { permission } });
  });
}
`,
  'src/server/api/routers/taxonomy.ts': `import { z } from 'zod';
import { createTRPCRouter, protectedProcedure, publicProcedure } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';

/** A router factory: one taxonomy router per kind (tags, categories, labels). */
export function makeTaxonomyRouter(kind: string) {
  return createTRPCRouter({
    list: publicProcedure
      .use(cacheMiddleware({ ttl: 300, tags: ['taxonomy'] }))
      .query(({ ctx }) => ctx.db.list(kind, {})),
    byId: publicProcedure
      .input(z.object({ id: z.string() }))
      .use(cacheMiddleware({ ttl: 300, tags: ['taxonomy'] }))
      .query(({ ctx, input }) => ctx.db.get(kind, input.id)),
    create: protectedProcedure
      .input(z.object({ name: z.string().min(1) }))
      .mutation(({ ctx, input }) => ctx.db.create(kind, input.name)),
  });
}
`,
  'src/server/api/routers/admin.ts': `import { createTRPCRouter, requirePermission } from '~/server/api/trpc';
import { cacheMiddleware } from '~/server/cache';
import { userRouter } from './user';

/** Imports another router and mounts it again, under admin.users. */
export const adminRouter = createTRPCRouter({
  users: userRouter,
  overview: requirePermission('admin')
    .use(cacheMiddleware({ scope: 'private', key: ({ ctx }) => \`admin:\${ctx.session.user.orgId}\` }))
    .query(({ ctx }) => ({ org: ctx.session.user.orgId, permission: ctx.permission })),
  purge: requirePermission('admin').mutation(() => ({ ok: true })),
});
`,
  'src/server/api/routers/debug.ts': `import { createTRPCRouter, publicProcedure } from '~/server/api/trpc';

/** Mounted outside production only (a conditional spread in root.ts). */
export const debugRouter = createTRPCRouter({
  ping: publicProcedure.query(() => 'pong' as const),
  env: publicProcedure.query(() => process.env.NODE_ENV ?? 'development'),
});
`,
};

function rootRouter(): string {
  const direct = T3_ENTITIES.filter((e) => mount(e) === e);
  const imports = [
    "import { env } from '~/env';",
    "import { adminRouter } from '~/server/api/routers/admin';",
    "import { debugRouter } from '~/server/api/routers/debug';",
    ...T3_ENTITIES.map((e) => `import { ${e}Router } from '~/server/api/routers/${e}';`).sort(),
    "import { makeTaxonomyRouter } from '~/server/api/routers/taxonomy';",
    "import { createCallerFactory, createTRPCRouter } from '~/server/api/trpc';",
  ];
  return `${imports.join('\n')}

// Mounted through an object, as apps that group routers do.
const routers = { office: officeRouter, team: teamRouter };

/** The app's root router (as create-t3-app's root.ts). */
export const appRouter = createTRPCRouter({
${direct.map((e) => `  ${e}: ${e}Router,`).join('\n')}
  offices: routers.office,
  teams: routers.team,
  admin: adminRouter,
${T3_TAXONOMIES.map((t) => `  ${t}: makeTaxonomyRouter('${t}'),`).join('\n')}
  ...(env.NODE_ENV !== 'production' ? { debug: debugRouter } : {}),
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
`;
}

/** The report router also mounts one procedure of the project router (an object member). */
function reportExtras(source: string): string {
  return source
    .replace(
      "import { cacheMiddleware } from '~/server/cache';",
      "import { projectRouter } from '~/server/api/routers/project';\nimport { cacheMiddleware } from '~/server/cache';",
    )
    .replace('  list: publicProcedure', '  projects: projectRouter.list,\n  list: publicProcedure');
}

function consumer(): string {
  return `// Calls generated helpers the way app code would; must compile.
import type { inferProcedureBuilderResolverOptions } from '@trpc/server';
import type { protectedProcedure, requirePermission } from '~/server/api/trpc';
import { invalidate, invalidateTag, keys } from '../expected/routecache.generated';

type Authed = inferProcedureBuilderResolverOptions<typeof protectedProcedure>['ctx'];
type Permitted = inferProcedureBuilderResolverOptions<ReturnType<typeof requirePermission>>['ctx'];

export async function afterWrite(authed: Authed, permitted: Permitted): Promise<number> {
  const key: string = await keys.post.list({ page: 2 });
  await keys.post.byId({ id: '1' });
  await keys.post.count();
  await keys.post.mine(authed);
  await keys.post.forOrg({ status: 'closed' }, permitted);
  await keys.comment.recent({ days: 3 });
  await keys.offices.mine(authed);
  await keys.admin.users.mine(authed);
  await keys.admin.overview(permitted);
  await keys.report.projects({});
  await keys.tags.list();
  await invalidate.categories.byId({ id: 'c' });
  // The session after protectedProcedure is never null: a ctx the key cannot take is refused.
  // @ts-expect-error session: null
  await keys.post.mine({ ...authed, session: null });
  return key.length + (await invalidate.post.mine(authed)) + (await invalidateTag.taxonomy());
}
`;
}

/** Every file of the fixture but expected/, by path relative to the fixture. */
export function t3FixtureFiles(): Record<string, string> {
  const files: Record<string, string> = { ...FILES };
  T3_ENTITIES.forEach((entity, index) => {
    const source = entityRouter(entity, index);
    files[`src/server/api/routers/${entity}.ts`] =
      entity === 'report' ? reportExtras(source) : source;
  });
  files['src/server/api/root.ts'] = rootRouter();
  files['consumers/ok.ts'] = consumer();
  return files;
}

/** Where the fixture lives. */
export const T3_DIR = resolve(import.meta.dirname, '__fixtures__/t3');

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [path, text] of Object.entries(t3FixtureFiles())) {
    mkdirSync(dirname(join(T3_DIR, path)), { recursive: true });
    writeFileSync(join(T3_DIR, path), text);
  }
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  execFileSync(process.execPath, [biome, 'check', '--write', T3_DIR], { stdio: 'inherit' });
  console.log(`wrote ${T3_DIR} (${Object.keys(t3FixtureFiles()).length} files)`);
}
