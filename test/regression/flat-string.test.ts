/**
 * `flatString` must flatten (the memory store and the Redis decode memo call it on strings they
 * keep, and their byte accounting counts a flat string). It read the string as a number, which
 * on Node 20's V8 leaves a concatenated string as a tree of its pieces: a ~70-character key
 * built in 25 pieces held ~600 bytes instead of ~120. Measured in a child process with
 * `--expose-gc`; the bound is generous (a flat string of that length is ~110–130 bytes with its
 * array slot).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringBytes } from '../../packages/core/src/stores/retained-size.js';

const CHILD = fileURLToPath(new URL('./flat-string.child.ts', import.meta.url));

function heldPerString(mode: 'flat' | 'raw'): { perString: number; length: number } {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--conditions=source', '--import', 'tsx', CHILD, mode],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}

describe('flatString', () => {
  it('leaves a concatenated string holding what stringBytes counts, not its pieces', () => {
    const raw = heldPerString('raw');
    const flat = heldPerString('flat');
    const report = `raw ${raw.perString.toFixed(0)} B, flat ${flat.perString.toFixed(0)} B`;
    // The pieces really are held when nothing flattens (so the check below can fail).
    expect(raw.perString, report).toBeGreaterThan(3 * stringBytes('x'.repeat(raw.length)));
    // Flattened: the string's own bytes plus its array slot and rounding, well under the raw.
    expect(flat.perString, report).toBeLessThan(stringBytes('x'.repeat(flat.length)) + 64);
  }, 60_000);
});
