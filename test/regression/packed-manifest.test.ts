// What `pnpm pack` hands a user must work outside the monorepo: every file the packed
// package.json names is in the tarball (a `source` condition once pointed at the unshipped
// src/, breaking `esbuild --conditions=source`), each tarball carries LICENSE and README, source
// maps carry their sources, and publint / attw (ESM-only profile) report nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  missingTargets,
  type PackedManifest,
  type PackedPackage,
  packWorkspacePackages,
  WORKSPACE_ROOT,
} from '../support/packages.js';

const run = promisify(execFile);
// A cold `turbo run build` of four packages plus four packs, on a shared 2-core machine.
const PACK_TIMEOUT = 240_000;

const destination = mkdtempSync(join(tmpdir(), 'routecache-packed-'));
let packed: PackedPackage[] = [];
beforeAll(async () => {
  packed = await packWorkspacePackages(destination);
}, PACK_TIMEOUT);
afterAll(() => rmSync(destination, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('packed packages', () => {
  it('name no export, bin or types target that the tarball lacks', () => {
    expect(packed.map((p) => p.name)).toEqual([
      '@routecache/core',
      '@routecache/trpc',
      '@routecache/codegen',
      '@routecache/orpc',
    ]);
    for (const { name, manifest, root } of packed) {
      expect({ name, missing: missingTargets(manifest, root) }).toEqual({ name, missing: [] });
    }
  });

  it("publish the workspace's exports minus the source condition (publishConfig.exports in sync)", () => {
    for (const { manifest, dir } of packed) {
      const workspace = JSON.parse(
        readFileSync(join(WORKSPACE_ROOT, dir, 'package.json'), 'utf8'),
      ) as PackedManifest;
      const withoutSource = Object.fromEntries(
        Object.entries(workspace.exports as Record<string, Record<string, string>>).map(
          ([subpath, { source: _, ...conditions }]) => [subpath, conditions],
        ),
      );
      expect(manifest.exports).toEqual(withoutSource);
    }
  });

  it('ship an MIT LICENSE matching package.json and a README', () => {
    for (const { name, manifest, root } of packed) {
      const files = filesUnder(root);
      expect({ name, license: files.includes('LICENSE') }).toEqual({ name, license: true });
      expect({ name, readme: files.includes('README.md') }).toEqual({ name, readme: true });
      expect(manifest.license).toBe('MIT');
      expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
      expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`# ${name}`);
    }
  });

  it('ship source maps that carry their sources (the tarball has no src/)', () => {
    for (const { name, root } of packed) {
      const maps = filesUnder(root).filter((file) => file.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources, sourcesContent } = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
          sources: string[];
          sourcesContent?: (string | null)[];
        };
        const complete =
          sourcesContent?.length === sources.length && sourcesContent.every((s) => s !== null);
        expect({ name, map, complete }).toEqual({ name, map, complete: true });
      }
    }
  });

  it('declare Node >= 20.19, the supported peer ranges, optional peers and public access', () => {
    const byName = new Map(packed.map((p) => [p.name, p.manifest]));
    for (const { manifest } of packed) {
      expect(manifest.engines).toEqual({ node: '>=20.19' });
      expect(manifest.publishConfig).toEqual({ access: 'public' });
      expect(JSON.stringify(manifest)).not.toContain('workspace:');
    }
    const core = byName.get('@routecache/core');
    expect(core?.peerDependencies).toEqual({
      '@opentelemetry/api': '^1.9.0',
      ioredis: '^5.9.0 || ^6.0.0',
      vitest: '>=3',
    });
    expect(core?.peerDependenciesMeta).toEqual({
      '@opentelemetry/api': { optional: true },
      ioredis: { optional: true },
      vitest: { optional: true },
    });
    expect(byName.get('@routecache/trpc')?.peerDependencies).toEqual({
      '@trpc/client': '^11.10.0',
      '@trpc/server': '^11.10.0',
      fastify: '^5.0.0',
    });
    // Only `@routecache/trpc/fastify` needs Fastify; the client links (`@routecache/trpc/client`)
    // type against @trpc/client, which servers lack.
    expect(byName.get('@routecache/trpc')?.peerDependenciesMeta).toEqual({
      fastify: { optional: true },
      '@trpc/client': { optional: true },
    });
    const version = core?.version;
    expect(byName.get('@routecache/trpc')?.dependencies?.['@routecache/core']).toBe(version);
    expect(byName.get('@routecache/orpc')?.peerDependencies).toEqual({ '@orpc/server': '^1.16.0' });
    expect(byName.get('@routecache/orpc')?.dependencies?.['@routecache/core']).toBe(version);
    expect(byName.get('@routecache/codegen')?.peerDependencies).toEqual({
      '@routecache/trpc': `^${version}`,
    });
  });

  it('pass publint with no message at all (suggestions included)', async () => {
    for (const { name, tarball } of packed) {
      const bytes = readFileSync(tarball);
      const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const { messages, pkg } = await publint({ pack: { tarball: data }, level: 'suggestion' });
      const text = messages.map((m) => formatMessage(m, pkg, { color: false }));
      expect({ name, messages: text }).toEqual({ name, messages: [] });
    }
  });

  it(
    'pass @arethetypeswrong/cli with the esm-only profile',
    async () => {
      const attw = join(WORKSPACE_ROOT, 'node_modules/.bin/attw');
      for (const { tarball } of packed) {
        // attw exits 1 on any problem; its table says which entry point and resolution failed.
        await expect(
          run(attw, [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color']),
        ).resolves.toBeDefined();
      }
    },
    PACK_TIMEOUT,
  );
});
