import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { canonicalLines } from '../src/check.js';
import { loadT3 } from './fixtures.js';
import { T3_DIR, t3FixtureFiles } from './t3-fixture.js';

// Parsing 30 files and loading 190 procedures can take seconds on a shared 2-core machine.
vi.setConfig({ testTimeout: 60_000 });

it('the committed t3 fixture is what test/t3-fixture.ts writes (layout aside: biome formats it)', () => {
  for (const [path, text] of Object.entries(t3FixtureFiles())) {
    const committed = readFileSync(join(T3_DIR, path), 'utf8');
    if (path.endsWith('.json')) expect(JSON.parse(committed), path).toEqual(JSON.parse(text));
    else expect(canonicalLines(committed), path).toEqual(canonicalLines(text));
  }
});

it('is the size of a real app: ≥ 20 router files, ≥ 150 procedures (loaded through `~/` aliases)', async () => {
  const files = Object.keys(t3FixtureFiles()).filter((p) =>
    p.startsWith('src/server/api/routers/'),
  );
  expect(files.length).toBeGreaterThanOrEqual(20);
  const { appRouter } = await loadT3();
  expect(Object.keys(appRouter._def.procedures).length).toBeGreaterThanOrEqual(150);
});
