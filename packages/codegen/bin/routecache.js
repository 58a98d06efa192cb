#!/usr/bin/env node
// Entry of the `routecache` command. In this monorepo (src/ present, not published) it runs the
// TypeScript source through tsx, so `pnpm exec routecache codegen` needs no build and is never
// stale; a published package has only dist/ and runs the compiled code.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli.js', import.meta.url).href);
}
process.exitCode = await cli.runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
