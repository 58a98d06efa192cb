/**
 * Smoke test of examples/cdn: its demo runs a real Varnish in front of the app, and the second
 * read of each pair is a Varnish hit that never runs the resolver, until the rename purges it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoFacts, runDemo } from '../../examples/cdn/src/demo-run.js';
import { varnishAvailable } from '../support/varnish.js';

describe.skipIf(!varnishAvailable())('examples/cdn demo', () => {
  let facts: DemoFacts;
  beforeAll(async () => {
    facts = await runDemo(() => {});
  }, 60_000);

  it('a Varnish miss, then a hit that never reaches the resolver', () => {
    expect(facts.reads.slice(0, 2)).toEqual([
      {
        name: 'Ada',
        xCache: 'MISS',
        cacheStatus: 'routecache; fwd=miss; stored, varnish; fwd=miss; stored',
        resolverRuns: 1,
      },
      {
        name: 'Ada',
        xCache: 'MISS',
        cacheStatus: 'routecache; fwd=miss; stored, varnish; hit',
        resolverRuns: 1,
      },
    ]);
  });

  it('the rename purges the one call by its key; the next read is fresh, then a hit again', () => {
    expect(facts.purgedKeys).toEqual([expect.stringMatching(/^k:[\w-]{22}$/)]);
    expect(facts.reads.slice(2).map((r) => [r.name, r.cacheStatus, r.resolverRuns])).toEqual([
      ['Grace', 'routecache; fwd=miss; stored, varnish; fwd=miss; stored', 2],
      ['Grace', 'routecache; fwd=miss; stored, varnish; hit', 2],
    ]);
  });
});
