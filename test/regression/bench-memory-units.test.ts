/**
 * Regression (issue 13, published results): BENCHMARKS.md showed the memory sections' figures
 * in nanoseconds. The `memory per entry` rows carried bytes per entry without a unit, so the
 * table read "542 ns". The `memory floods` rows carried no figure at all (`medianNs: 0`), so
 * every row read "0 ns" and the section's chart was bars of zero. Those rows now carry their
 * figures with their units: bytes per entry, and heap held in MiB. A section whose rows mix
 * units is charted by ratio, since one bar scale cannot hold MiB and bytes.
 */
import { describe, expect, it } from 'vitest';
import { formatMedian } from '../../bench/src/harness.js';
import { floodRows } from '../../bench/src/memory.js';
import { perEntryRow } from '../../bench/src/memory-per-entry.js';
import { sectionChart, sectionTables } from '../../bench/src/publish.js';

/** The values of a chart's bars, in order. */
const barValues = (svg: string) =>
  [...svg.matchAll(/data-value="([^"]+)"/g)].map(([, value]) => Number(value));

describe('the memory sections publish their figures in their units', () => {
  it('shows bytes per entry as bytes', () => {
    const row = perEntryRow({ arm: 'routecache', entries: 1e6, bytesPerEntry: 542, ms: 1 }, 326);
    expect(formatMedian(row)).toBe('542 B');
    expect(row.ratio).toBeCloseTo(542 / 326, 6);
  });

  it('shows a flood its heap held in MiB and its bytes per kept entry', () => {
    const [heap, perKept] = floodRows('memoryStore, true', 21 * 2 ** 20, 512, 128);
    expect(heap && formatMedian(heap)).toBe('21.0 MiB');
    expect(heap?.ratio).toBeCloseTo(21 / 32, 6);
    expect(perKept && formatMedian(perKept)).toBe('512 B');
    expect(perKept?.ratio).toBe(4);
  });

  it('charts a section of mixed units by ratio, with no bar of zero', () => {
    const [section] = sectionTables(floodRows('memoryStore, true', 21 * 2 ** 20, 512, 128));
    if (section === undefined) throw new Error('no section');
    const values = barValues(sectionChart(section));
    expect(values).toHaveLength(2);
    expect(values[0]).toBeCloseTo(21 / 32, 6);
    expect(values[1]).toBe(4);
  });
});
