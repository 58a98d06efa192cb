import { defineConfig } from 'vitest/config';

// Tests run against TypeScript source: every workspace package exports a `source` condition
// that points at src/, so no build step is needed before `pnpm test`.
const resolve = { conditions: ['source', 'import', 'module', 'node', 'default'] };

export default defineConfig({
  resolve,
  ssr: { resolve: { conditions: resolve.conditions, externalConditions: ['source'] } },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          root: './packages/core',
          include: ['src/**/*.test.ts'],
          typecheck: {
            enabled: true,
            include: ['src/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'trpc',
          root: './packages/trpc-adapter',
          include: ['src/**/*.test.ts'],
          typecheck: {
            enabled: true,
            include: ['src/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        extends: true,
        // The t3 fixture imports through its tsconfig's `~/` path alias, as create-t3-app apps do.
        resolve: { tsconfigPaths: true },
        test: {
          name: 'codegen',
          root: './packages/codegen',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          root: './test',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', 'next/**'],
        },
      },
      {
        extends: true,
        // The bench's own code (floor middleware, targets, publishing); never the benchmarks.
        test: { name: 'bench', root: './bench', include: ['src/**/*.test.ts'] },
      },
      {
        extends: true,
        // examples/next under `next build` + `next start` and `next dev`: heavy on a 2-core
        // machine, so its own step (`pnpm test:next`), left out of `pnpm test`. One build per
        // run (global setup); one Next.js server at a time.
        test: {
          name: 'next',
          root: './test/next',
          include: ['**/*.test.ts'],
          globalSetup: ['./global-setup.ts'],
          fileParallelism: false,
          hookTimeout: 300_000,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
