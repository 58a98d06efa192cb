/**
 * Smoke test of examples/invalidate: runs its demo against a real HTTP server and checks that
 * each mutation's generated invalidation makes the next read a MISS with the new data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoFacts, runDemo } from '../../examples/invalidate/src/demo-run.js';

describe('examples/invalidate demo', () => {
  let facts: DemoFacts;
  beforeAll(async () => {
    facts = await runDemo(() => {});
  }, 15_000);

  it('fills the cache on reads', () => {
    expect(facts.warm).toEqual([
      { status: 'MISS', names: ['Ada'] },
      { status: 'HIT', names: ['Ada'] },
      { status: 'MISS', names: ['Ada', 'Grace'] },
      { status: 'HIT', names: ['Ada', 'Grace'] },
    ]);
  });

  it('rename: invalidate.users.get + invalidate.users.list, then fresh MISSes', () => {
    expect(facts.rename).toEqual({
      removed: 2,
      reads: [
        { status: 'MISS', names: ['Ada Lovelace'] },
        { status: 'MISS', names: ['Ada Lovelace', 'Grace'] },
      ],
    });
  });

  it('create: invalidate.users.list, then the list has the new user', () => {
    expect(facts.create).toEqual({
      removed: 1,
      reads: [{ status: 'MISS', names: ['Ada Lovelace', 'Grace', 'Barbara'] }],
    });
  });

  it('delete: invalidateTag.users drops every tagged entry', () => {
    expect(facts.delete).toEqual({
      removed: 2,
      reads: [
        { status: 'MISS', names: ['Ada Lovelace'] },
        { status: 'MISS', names: ['Ada Lovelace', 'Barbara'] },
      ],
    });
    expect(facts.resolverRuns).toBe(7);
  });
});
