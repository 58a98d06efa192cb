import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

// Issue 17 item 5: RC_OPAQUE_MIDDLEWARE was reported but missing from the README's table.
const PACKAGE = resolve(import.meta.dirname, '../..');

it('every diagnostic code in the source is in the README diagnostics table, and only those', () => {
  const sources = readdirSync(join(PACKAGE, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => readFileSync(join(PACKAGE, 'src', file), 'utf8'));
  const inSource = new Set(
    sources.flatMap((text) => [...text.matchAll(/'(RC_[A-Z_]+)'/g)].map((m) => m[1])),
  );
  const readme = readFileSync(join(PACKAGE, 'README.md'), 'utf8');
  const inTable = [...readme.matchAll(/^\| `(RC_[A-Z_]+)` +\|/gm)].map((m) => m[1]);
  expect(inSource.size).toBeGreaterThan(5);
  expect(inTable.sort()).toEqual([...inSource].sort());
});
