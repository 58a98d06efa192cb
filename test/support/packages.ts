/**
 * The publishable packages as a user receives them: built, packed with `pnpm pack` (which
 * rewrites `workspace:` ranges and applies `publishConfig`), and unpacked, so tests and the
 * consumer test read the real tarball contents instead of the workspace's package.json.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The workspace root (this file is test/support/packages.ts). */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, '../..');

/** The packages published to npm, by directory under packages/. */
export const PUBLISHED_PACKAGES = [
  { name: '@routecache/core', dir: 'packages/core' },
  { name: '@routecache/trpc', dir: 'packages/trpc-adapter' },
  { name: '@routecache/codegen', dir: 'packages/codegen' },
  { name: '@routecache/orpc', dir: 'packages/orpc-adapter' },
] as const;

/** The subset of a packed package.json these checks read. */
export interface PackedManifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  exports?: unknown;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  publishConfig?: Record<string, unknown>;
}

/** One packed package: its tarball, where it was unpacked, and the packed manifest. */
export interface PackedPackage {
  name: string;
  /** The package's directory in the workspace, e.g. `packages/core`. */
  dir: string;
  tarball: string;
  /** The unpacked `package/` directory of the tarball. */
  root: string;
  manifest: PackedManifest;
}

/**
 * Build the packages (turbo: cached when the sources did not change), then `pnpm pack` each
 * into `destination` and unpack it there.
 *
 * @example
 * ```ts
 * const packed = await packWorkspacePackages(mkdtempSync(join(tmpdir(), 'packs-')));
 * missingTargets(packed[0].manifest, packed[0].root); // []
 * ```
 */
export async function packWorkspacePackages(destination: string): Promise<PackedPackage[]> {
  await run('pnpm', ['run', 'build'], { cwd: WORKSPACE_ROOT, maxBuffer: 64 * 1024 * 1024 });
  const packed: PackedPackage[] = [];
  for (const { name, dir } of PUBLISHED_PACKAGES) {
    const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', destination], {
      cwd: join(WORKSPACE_ROOT, dir),
      maxBuffer: 64 * 1024 * 1024,
    });
    const tarball = (JSON.parse(stdout) as { filename: string }).filename;
    const unpacked = join(destination, dir.replace('packages/', ''));
    mkdirSync(unpacked, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', unpacked]);
    const root = join(unpacked, 'package');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackedManifest;
    packed.push({ name, dir, tarball, root, manifest });
  }
  return packed;
}

/** Every file path a manifest's `exports` (any condition, any depth), `main`, `types` and `bin` name. */
export function manifestTargets(manifest: PackedManifest): string[] {
  const targets: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(manifest.exports);
  visit(manifest.main);
  visit(manifest.types);
  visit(manifest.bin);
  return targets;
}

/**
 * The targets named by a packed manifest that its unpacked tarball at `root` lacks, e.g.
 * `./src/index.ts` named by a `source` condition. Subpath patterns (`*`) are not used by these packages
 * and are reported as missing, so adding one forces this check to learn them.
 */
export function missingTargets(manifest: PackedManifest, root: string): string[] {
  return manifestTargets(manifest).filter(
    (target) => target.includes('*') || !existsSync(join(root, target)),
  );
}
