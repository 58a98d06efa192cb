import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barChart } from './chart.js';
import { publish } from './publish.js';
import type { LatestRun } from './results.js';
import { judgeAll } from './targets.js';

const rows = [
  {
    section: 'engine hit path (memory)',
    name: 'lru-cache get + JSON.stringify key',
    medianNs: 400,
    ratio: 1,
  },
  {
    section: 'engine hit path (memory)',
    name: 'routecache getOrLoad (await)',
    medianNs: 480,
    ratio: 1.2,
  },
  {
    section: 'engine hit path (memory)',
    name: 'bentocache getOrSet (await)',
    medianNs: 3200,
    ratio: 8,
  },
  {
    section: 'scenario <product page> | fetch',
    name: 'routecache',
    medianNs: 2e6,
    ratio: 0.1,
    metrics: { originCallsPerRequest: 0.05 },
  },
  { section: 'scenario <product page> | fetch', name: 'no cache', medianNs: 2e7, ratio: 1 },
];

const fixture: LatestRun = {
  full: false,
  sections: ['engine', 'scenarios'],
  seconds: { engine: 12.5, scenarios: 30 },
  machine: {
    cpu: 'Test CPU',
    cores: 2,
    node: 'v20.0.0',
    platform: 'linux test',
    date: '2026-12-02T04:00:00.000Z',
    load: { min: 0.5, median: 1.25, max: 2, samples: 9 },
    commit: 'abc123',
  },
  rows,
  targets: judgeAll(rows, ['engine', 'redis']),
};

/** Checks that every tag opened is closed in order; returns the element names seen. */
function assertWellFormed(xml: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  for (const [, close, name, selfClosing] of xml.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (close) expect(stack.pop()).toBe(name);
    else {
      names.push(name ?? '');
      if (!selfClosing) stack.push(name ?? '');
    }
  }
  expect(stack).toEqual([]);
  // Text holds no raw markup characters: every & starts an entity.
  expect(xml.replace(/<[^>]*>/g, '')).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)|</);
  return names;
}

function published() {
  const dir = mkdtempSync(join(tmpdir(), 'routecache-publish-'));
  const charts = join(dir, 'bench/results/charts');
  publish(fixture, join(dir, 'BENCHMARKS.md'), charts);
  return { markdown: readFileSync(join(dir, 'BENCHMARKS.md'), 'utf8'), charts };
}

describe('publish', () => {
  it('writes the machine, the load, the targets with verdicts and one table per section', () => {
    const { markdown } = published();
    expect(markdown).toContain('Do not edit by hand');
    expect(markdown).toContain('| CPU | Test CPU, 2 cores |');
    expect(markdown).toContain('min 0.50, median 1.25, max 2.00 (9 samples)');
    expect(markdown).toContain('only these: engine 12.5 s, scenarios 30 s');
    expect(markdown).toMatch(
      /\| #13 \| engine hit ≤ 1\.3× .* \| routecache getOrLoad vs lru-cache get \+ JSON\.stringify key \| 1\.59× \| 1\.20× \| ≤ 1\.30× \| ok \|/,
    );
    expect(markdown).toMatch(
      /\| #2 \| engine hit path ≥ 3× faster .* \| 6\.67× faster \| ≥ 3\.00× \| ok \|/,
    );
    // The redis section did not run: its targets say so.
    expect(markdown).toMatch(
      /\| #13 \| Redis getOrLoad hit, sequential.* \| 1\.16× \| — \| ≤ 1\.10× \| \*\*NOT RUN\*\* \|/,
    );
    expect(markdown).toContain('## engine hit path (memory)');
    expect(markdown).toContain('| routecache getOrLoad (await) | 480 ns | 1.20× |');
    // Metric columns, the section title's pipe escaped.
    expect(markdown).toContain('## scenario <product page> | fetch');
    expect(markdown).toContain('| row | median | ratio | originCallsPerRequest |');
    expect(markdown).toContain('| routecache | 2.00 ms | 0.10× | 0.0500 |');
    expect(markdown).toContain('| no cache | 20.00 ms | 1.00× | — |');
  });

  it('embeds one well-formed SVG chart per section, bars proportional to the medians', () => {
    const { markdown, charts } = published();
    const files = readdirSync(charts).sort();
    expect(files).toEqual(['engine-hit-path-memory.svg', 'scenario-product-page-fetch.svg']);
    expect(markdown).toContain(
      '![engine hit path (memory)](bench/results/charts/engine-hit-path-memory.svg)',
    );
    const svg = readFileSync(join(charts, 'engine-hit-path-memory.svg'), 'utf8');
    expect(assertWellFormed(svg)[0]).toBe('svg');
    const bars = [
      ...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)"[^>]*data-value="([\d.e+]+)"/g),
    ];
    expect(bars).toHaveLength(3);
    const perUnit = bars.map(([, width, value]) => Number(width) / Number(value));
    for (const k of perUnit) expect(k).toBeCloseTo(perUnit[0] ?? 0, 4);
    expect(Math.max(...bars.map(([, width]) => Number(width)))).toBe(330);
    expect(svg).toContain('3200 ns (8.00×)');
    const escaped = readFileSync(join(charts, 'scenario-product-page-fetch.svg'), 'utf8');
    assertWellFormed(escaped);
    expect(escaped).toContain('scenario &lt;product page&gt; | fetch');
  });

  it('draws no bar for a zero, negative or non-finite value', () => {
    const svg = barChart('edge & cases', [
      { label: 'zero', value: 0 },
      { label: 'negative', value: -1 },
      { label: 'nan', value: Number.NaN },
      { label: 'one', value: 1 },
    ]);
    assertWellFormed(svg);
    const widths = [...svg.matchAll(/data-value="[^"]*"/g)].length;
    expect(widths).toBe(4);
    expect([...svg.matchAll(/ width="([\d.]+)" height="18"/g)].map(([, w]) => w)).toEqual([
      '0',
      '0',
      '0',
      '330',
    ]);
  });
});
