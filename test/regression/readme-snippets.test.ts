// Every fenced `ts` block of the READMEs compiles against the current API (with the names a
// snippet leaves out declared by test/support/readme/globals.ts). The Redis snippet once built
// its bus inline, so the advised `await bus.ready()` could not be written against it, and
// snippets drifted from the API unnoticed.
import { describe, expect, it } from 'vitest';
import { compileSnippets, readmeFiles, readmeSnippets } from '../support/readme-snippets.js';

// One TypeScript program over tRPC, zod and every snippet; the machine is shared.
const TIMEOUT = 120_000;

describe('README snippets', () => {
  it('are found in the root, package and example READMEs', () => {
    expect(readmeFiles()).toEqual(
      expect.arrayContaining([
        'README.md',
        'packages/core/README.md',
        'packages/codegen/README.md',
      ]),
    );
    const snippets = readmeSnippets();
    expect(snippets.length).toBeGreaterThanOrEqual(15);
    for (const readme of [
      'README.md',
      'packages/core/README.md',
      'packages/trpc-adapter/README.md',
    ]) {
      expect(snippets.some((s) => s.readme === readme)).toBe(true);
    }
  });

  it(
    'type-check, each as a module with the shared scaffold (a broken canary is caught at its line)',
    () => {
      const canary = { readme: 'CANARY.md', line: 10, code: "const n: number = 'not a number';" };
      const diagnostics = compileSnippets([...readmeSnippets(), canary]);
      // The canary proves the check reports errors, and where: README line 10, column 7.
      expect(diagnostics).toEqual([
        "CANARY.md:10:7 TS2322 Type 'string' is not assignable to type 'number'.",
      ]);
    },
    TIMEOUT,
  );

  it('the Redis setup keeps the bus in a const and awaits bus.ready()', () => {
    const redis = readmeSnippets().filter(
      (s) => s.readme === 'README.md' && s.code.includes('redisBus('),
    );
    expect(redis.length).toBeGreaterThan(0);
    for (const snippet of redis) {
      expect(snippet.code).toMatch(/const bus = redisBus\(/);
      expect(snippet.code).toContain('await bus.ready()');
    }
  });
});
