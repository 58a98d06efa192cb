import { defineConfig } from 'vite';

// No React plugin: Vite's own transform compiles the TSX (automatic JSX runtime, from
// tsconfig.json). The `source` condition builds the workspace packages from their TypeScript.
export default defineConfig({
  resolve: {
    conditions: ['source', 'module', 'browser', 'development|production'],
    // One tRPC in the bundle: this example's (the workspace's @routecache/trpc has a newer one).
    dedupe: ['@trpc/client', '@trpc/server'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      // React Query marks its modules "use client" (for React Server Components); a browser
      // bundle has no server half, so dropping the directive is right.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
