/**
 * Smoke test of examples/complex: runs its demo against a real HTTP server and checks every
 * fact it prints, so the example cannot rot silently.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoFacts, runDemo } from '../../examples/complex/src/demo-run.js';

describe('examples/complex demo', () => {
  let facts: DemoFacts;
  beforeAll(async () => {
    facts = await runDemo(() => {});
  }, 15_000);

  it('keys users.me per caller, behind auth', () => {
    expect(facts.me).toEqual({
      alice: ['MISS', 'HIT'],
      bob: 'MISS',
      anonymousHttpStatus: 401,
      reads: 2,
    });
  });

  it('keeps one entry per Accept-Language under one base key', () => {
    expect(facts.vary.statuses).toEqual(['MISS', 'HIT', 'MISS']);
    expect(facts.vary.greetings).toEqual(['Hello, Alice', 'Hello, Alice', 'Bonjour, Alice']);
    expect(facts.vary.varyHeader).toContain('accept-language');
    expect(facts.vary.removed).toBe(2);
  });

  it('shares one entry through the custom key, under the concatenated namespace', () => {
    expect(facts.customKey).toEqual({
      statuses: ['MISS', 'HIT'],
      reads: 1,
      key: 'complex:users|handle:alice',
    });
    expect(facts.namespacedKey.startsWith('complex:users|users.get|')).toBe(true);
  });

  it('serves superjson types from a hit and invalidates by input-derived and static tags', () => {
    expect(facts.tags).toEqual({
      statuses: ['MISS', 'HIT', 'MISS'],
      hitHasDates: true,
      hitHasMap: true,
      removedAuthorTag: 1,
      afterAuthorTag: { u1: 'MISS', u2: 'HIT' },
      removedCatalogTag: 2,
    });
  });

  it('computes a lazy router key before it loaded, then caches its calls', () => {
    expect(facts.lazy.keyBeforeLoad).toContain('stats.overview');
    expect(facts.lazy.statuses).toEqual(['MISS', 'HIT']);
  });

  it('replays a stream without running the generator again', () => {
    expect(facts.stream).toEqual({
      first: [1, 2, 3],
      second: [1, 2, 3],
      secondHasDates: true,
      runs: 1,
    });
  });

  it('serves stale while one background refresh runs', () => {
    expect(facts.swr).toEqual({ statuses: ['MISS', 'STALE', 'HIT'], postIds: [1, 1, 3], runs: 2 });
  });
});
