import { describe, expect, it } from 'vitest';
import type { Row } from './harness.js';
import { judge, judgeAll, type Target, targets } from './targets.js';

const row = (section: string, name: string, medianNs: number): Row => ({
  section,
  name,
  medianNs,
  ratio: 1,
});

const caller = (variant: string) => {
  const t = targets.find((x) => x.row === `routecache ${variant}`);
  if (t === undefined) throw new Error(`no target for ${variant}`);
  return t;
};

describe('judge', () => {
  it("compares a row with its own floor arm when the section has one, else with 'floor'", () => {
    const rows = [
      row('trpc caller hit, public', 'floor public', 100),
      row('trpc caller hit, public', 'routecache public', 104),
      row('trpc caller hit, private', 'floor', 100),
      row('trpc caller hit, private', 'routecache private', 110),
    ];
    expect(judge(rows, caller('public'))).toMatchObject({
      value: 1.04,
      versus: 'floor public',
      verdict: 'ok',
    });
    expect(judge(rows, caller('private'))).toMatchObject({
      value: 1.1,
      versus: 'floor',
      verdict: 'MISSED',
    });
    expect(judge(rows, caller('vary')).verdict).toBe('NOT RUN');
  });

  it('prefers an exact row name over one that merely contains it', () => {
    const t = targets.find((x) => x.section === 'input size') as Target;
    const rows = [
      row('input size, 100 fields', 'floor, 100 fields', 10),
      row('input size, 1000 fields', 'routecache, 1000 fields', 150),
      row('input size, 1000 fields', 'floor, 1000 fields, warm', 1),
      row('input size, 1000 fields', 'floor, 1000 fields', 100),
    ];
    expect(judge(rows, t)).toMatchObject({ value: 1.5, versus: 'floor, 1000 fields' });
  });

  it('looks for the baseline only in the measured row’s own section', () => {
    const t = targets.find((x) => x.row === 'routecache HIT 200') as Target;
    const rows = [
      row('http wrapper', 'floor', 1),
      row('http (standalone)', 'routecache HIT 200', 100),
    ];
    expect(judge(rows, t).verdict).toBe('NOT RUN');
    rows.push(row('http (standalone)', 'floor', 99));
    expect(judge(rows, t)).toMatchObject({ verdict: 'ok', versus: 'floor' });
  });

  it('judges a speedup as the other row over this one', () => {
    const t = targets.find((x) => x.kind === 'speedup' && x.row === 'routecache 304') as Target;
    const rows = [
      row('http (standalone)', 'routecache HIT 200', 100),
      row('http (standalone)', 'routecache 304', 90),
    ];
    expect(judge(rows, t)).toMatchObject({ verdict: 'ok', versus: 'routecache HIT 200' });
    expect(judge(rows, t).value).toBeCloseTo(100 / 90);
  });
});

describe('judgeAll', () => {
  it('judges every target after a full run, only the run sections’ after a partial one', () => {
    expect(judgeAll([])).toHaveLength(targets.length);
    const partial = judgeAll([], ['redis']);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.every((r) => r.key === 'redis' && r.verdict === 'NOT RUN')).toBe(true);
  });
});
