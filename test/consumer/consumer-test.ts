/**
 * The consumer test: the root README's Getting started, run as a new user would, against the
 * packed packages. It builds and packs @routecache/{core,trpc,codegen}, creates a fresh app in a
 * temp dir outside the workspace, installs the tarballs with npm (plus what the README's npm
 * lines name, from the registry), writes the README's package.json scripts, tsconfig.json,
 * src/server.ts and routecache.config.json, and checks:
 *
 * - `routecache codegen`, then `routecache codegen --check` (node_modules/.bin/routecache);
 * - `tsc` under moduleResolution nodenext (the README's tsconfig, which also builds dist/) and
 *   bundler, skipLibCheck off, with TypeScript 6.0, and the extra versions (5.9, 7.0);
 * - the server answers MISS, HIT and 304 to raw fetch; a mutation through @trpc/client
 *   invalidates (the next read has the new value);
 * - `require()` of the packages from a .cjs file (Node >= 20.19 loads ES modules there).
 *
 * Usage: `pnpm test:consumer [--trpc <version>]`. Environment: `TRPC_VERSION` (default: the
 * workspace's @trpc/server), `CONSUMER_TS_EXTRA` (default `~5.9.0 ~7.0.0`; empty to skip),
 * `KEEP_APP=1` keeps the app directory.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { packWorkspacePackages, WORKSPACE_ROOT } from '../support/packages.js';
import { fencedBlocks } from '../support/readme-snippets.js';
import { freePort } from '../support/redis-server.js';

const run = promisify(execFile);
const started = performance.now();

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const argIndex = process.argv.indexOf('--trpc');
const trpcVersion =
  (argIndex === -1 ? undefined : process.argv[argIndex + 1]) ??
  process.env.TRPC_VERSION ??
  readJson<{ version: string }>(join(WORKSPACE_ROOT, 'test/node_modules/@trpc/server/package.json'))
    .version;
const typescriptRange = readJson<{ devDependencies: Record<string, string> }>(
  join(WORKSPACE_ROOT, 'package.json'),
).devDependencies.typescript;
const extraTypescripts = (process.env.CONSUMER_TS_EXTRA ?? '~5.9.0 ~7.0.0')
  .split(/\s+/)
  .filter(Boolean);

/** The npm alias an extra TypeScript is installed under, e.g. `typescript-5.9.0` for `~5.9.0`. */
const aliasOf = (range: string): string => `typescript-${range.replace(/[^\d.]/g, '')}`;

/** npm and node without the workspace's pnpm/npm settings leaking in from `pnpm run`. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(npm_|pnpm_|NODE_OPTIONS$|INIT_CWD$)/i.test(name),
  ),
);

async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  const at = performance.now();
  try {
    return await body();
  } finally {
    console.log(`consumer: ${name} (${((performance.now() - at) / 1000).toFixed(1)} s)`);
  }
}

async function sh(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    return await run(command, args, {
      cwd,
      env: { ...cleanEnv, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}\n${stdout ?? ''}${stderr ?? ''}`,
      {
        cause: error,
      },
    );
  }
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`consumer test: ${message}`);
}

/** The fenced blocks of the README's Getting started section. */
function gettingStarted() {
  const readme = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Getting started\n');
  check(start !== -1, 'README.md has no "## Getting started" section');
  const end = readme.indexOf('\n## ', start + 1);
  return fencedBlocks('README.md', readme.slice(start, end === -1 ? undefined : end));
}

/** The README block whose first line is `// <file>` (the file the reader is told to create). */
function readmeFile(blocks: ReturnType<typeof gettingStarted>, file: string): string {
  const block = blocks.find((b) => b.code.split('\n')[0]?.trim() === `// ${file}`);
  check(block !== undefined, `Getting started has no block starting with "// ${file}"`);
  return `${block.code}\n`;
}

/** `npm install [-D] <names>` lines of the README, without the ones for optional features. */
function readmeInstalls(blocks: ReturnType<typeof gettingStarted>) {
  const lines = blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.code.split('\n'))
    .filter((line) => line.startsWith('npm install ') && !line.includes('# only for'));
  check(lines.length > 0, 'Getting started has no npm install line');
  return lines.map((line) => {
    const words = line.replace(/#.*/, '').trim().split(/\s+/).slice(2);
    return { dev: words.includes('-D'), names: words.filter((w) => w !== '-D') };
  });
}

async function fetchUser(base: string, etag?: string) {
  const input = encodeURIComponent(JSON.stringify({ id: 1 }));
  const response = await fetch(`${base}/user?input=${input}`, {
    headers: etag === undefined ? {} : { 'if-none-match': etag },
  });
  return {
    status: response.status,
    xCache: response.headers.get('x-cache'),
    etag: response.headers.get('etag'),
    body: await response.text(),
  };
}

/** Start `node dist/server.js` on a free port; resolves once it printed its address. */
async function startServer(app: string): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: app,
    env: { ...cleanEnv, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

// A typed client of the README's server (not in the README), run after the raw-fetch checks to
// prove a mutation's invalidation reaches the next read. Compiled on its own, with skipLibCheck:
// @trpc/client 11.10's wsLink declarations import @trpc/server/adapters/ws, whose types do not
// compile against today's @types/ws (tRPC's own declarations; 11.25's compile).
const CLIENT = `import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../src/server.js';

const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: process.env.URL ?? '' })] });
await client.rename.mutate({ id: 1, name: 'Grace' });
const user = await client.user.query({ id: 1 });
console.log(JSON.stringify(user));
`;

const REQUIRE_CJS = `const core = require('@routecache/core');
const trpc = require('@routecache/trpc');
const node = require('@routecache/trpc/node');
console.log([typeof core.createCache, typeof trpc.createCacheMiddleware, typeof node.createCachedHTTPServer].join(' '));
`;

const CLIENT_TSCONFIG = {
  extends: './tsconfig.json',
  compilerOptions: { rootDir: '.', outDir: 'dist-client', skipLibCheck: true },
  include: ['client'],
};

// The README's tsconfig with bundler resolution and the strictest flags users turn on.
const BUNDLER_TSCONFIG = {
  extends: './tsconfig.json',
  compilerOptions: {
    module: 'esnext',
    moduleResolution: 'bundler',
    noEmit: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
  },
};

async function main(): Promise<void> {
  console.log(
    `consumer: @trpc/server ${trpcVersion}, typescript ${typescriptRange} (+ ${extraTypescripts.join(', ') || 'none'}), node ${process.version}`,
  );
  const work = mkdtempSync(join(tmpdir(), 'routecache-consumer-'));
  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  let server: ChildProcess | undefined;
  try {
    const packed = await step('build + pack', () => packWorkspacePackages(join(work, 'packs')));
    const tarballs = new Map(packed.map((p) => [p.name, p.tarball]));
    const blocks = gettingStarted();

    await step('npm install (the README lines; tarballs for @routecache/*)', async () => {
      await sh(app, 'npm', ['init', '-y']);
      const pin = (name: string): string => {
        if (tarballs.has(name)) return tarballs.get(name) ?? name;
        if (name === '@trpc/server') return `${name}@${trpcVersion}`;
        if (name === 'typescript') return `${name}@${typescriptRange}`;
        return name;
      };
      const extras = {
        dependencies: [`@trpc/client@${trpcVersion}`],
        devDependencies: extraTypescripts.map(
          (range) => `${aliasOf(range)}@npm:typescript@${range}`,
        ),
      };
      for (const { dev, names } of readmeInstalls(blocks)) {
        const more = dev ? extras.devDependencies : extras.dependencies;
        await sh(app, 'npm', [
          'install',
          ...(dev ? ['-D'] : []),
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...names.map(pin),
          ...more,
        ]);
      }
    });

    await step('write the README files', async () => {
      const manifest = readJson<Record<string, unknown>>(join(app, 'package.json'));
      // package.json allows no comments, so its block is plain JSON, found by its "scripts".
      const fields = blocks.find((b) => b.lang === 'json' && b.code.includes('"scripts"'));
      check(fields !== undefined, 'Getting started has no package.json block');
      const merged = { ...manifest, ...(JSON.parse(fields.code) as object) };
      writeFileSync(join(app, 'package.json'), `${JSON.stringify(merged, null, 2)}\n`);
      for (const file of ['tsconfig.json', 'src/server.ts', 'routecache.config.json']) {
        mkdirSync(dirname(join(app, file)), { recursive: true });
        writeFileSync(join(app, file), readmeFile(blocks, file));
      }
      mkdirSync(join(app, 'client'));
      writeFileSync(join(app, 'client/client.ts'), CLIENT);
      writeFileSync(join(app, 'tsconfig.client.json'), JSON.stringify(CLIENT_TSCONFIG, null, 2));
      writeFileSync(join(app, 'require.cjs'), REQUIRE_CJS);
      writeFileSync(join(app, 'tsconfig.bundler.json'), JSON.stringify(BUNDLER_TSCONFIG, null, 2));
    });

    await step('routecache codegen, then --check', async () => {
      const bin = join(app, 'node_modules/.bin/routecache');
      const wrote = await sh(app, bin, ['codegen']);
      check(wrote.stdout.includes('wrote src/routecache.generated.ts'), wrote.stdout);
      const checked = await sh(app, bin, ['codegen', '--check']);
      check(checked.stdout.includes('is up to date'), checked.stdout);
      const version = await sh(app, bin, ['--version']);
      const codegen = packed.find((p) => p.name === '@routecache/codegen');
      check(version.stdout.trim() === codegen?.manifest.version, `--version: ${version.stdout}`);
    });

    // Independent compiler runs, side by side: each is mostly one core's work.
    await step(
      'type-check: build (nodenext), bundler, the client, the extra TypeScripts',
      async () => {
        const tsc = join(app, 'node_modules/.bin/tsc');
        const typecheck = async (bin: string, args: string[]) => {
          const { stdout } = await sh(app, process.execPath, [bin, '--version']);
          await sh(app, process.execPath, [bin, ...args]);
          return `${stdout.trim()} ${args.join(' ')}`;
        };
        const runs = [
          sh(app, 'npm', ['run', 'build']).then(() => 'npm run build (tsc -p tsconfig.json)'),
          typecheck(tsc, ['-p', 'tsconfig.bundler.json']),
          typecheck(tsc, ['-p', 'tsconfig.client.json']),
          ...extraTypescripts.flatMap((range) =>
            ['tsconfig.json', 'tsconfig.bundler.json'].map((config) =>
              typecheck(join(app, `node_modules/${aliasOf(range)}/bin/tsc`), [
                '--noEmit',
                '-p',
                config,
              ]),
            ),
          ),
        ];
        console.log(`consumer:   passed: ${(await Promise.all(runs)).join('; ')}`);
      },
    );

    await step('server: MISS, HIT, 304 to raw fetch; a mutation invalidates', async () => {
      const started = await startServer(app);
      server = started.child;
      const miss = await fetchUser(started.base);
      check(miss.status === 200 && miss.xCache === 'MISS', `first read: ${JSON.stringify(miss)}`);
      check(miss.body.includes('"Ada"') && miss.etag !== null, `first read: ${miss.body}`);
      const hit = await fetchUser(started.base);
      check(hit.status === 200 && hit.xCache === 'HIT', `second read: ${JSON.stringify(hit)}`);
      check(hit.etag === miss.etag && hit.body === miss.body, 'a HIT serves the stored entry');
      const notModified = await fetchUser(started.base, miss.etag ?? '');
      check(
        notModified.status === 304 && notModified.body === '' && notModified.xCache === 'HIT',
        `If-None-Match: ${JSON.stringify(notModified)}`,
      );
      const client = await sh(app, process.execPath, ['dist-client/client/client.js'], {
        URL: started.base,
      });
      check(client.stdout.trim() === '{"id":1,"name":"Grace"}', `client: ${client.stdout}`);
      const after = await fetchUser(started.base, miss.etag ?? '');
      check(
        after.status === 200 && after.body.includes('"Grace"'),
        `after: ${JSON.stringify(after)}`,
      );
    });

    await step('require() from a .cjs file', async () => {
      const { stdout, stderr } = await sh(app, process.execPath, ['require.cjs']);
      check(stdout.trim() === 'function function function', `require: ${stdout}${stderr}`);
    });

    const seconds = (performance.now() - started) / 1000;
    console.log(`consumer: passed in ${seconds.toFixed(1)} s`);
  } finally {
    server?.kill();
    if (process.env.KEEP_APP === '1') console.log(`consumer: app kept in ${app}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
