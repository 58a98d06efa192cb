/**
 * Smoke test of examples/invalidate: runs its demo against a real HTTP server and checks that
 * each mutation's declared invalidation is sent back (`Routecache-Invalidate`) and makes the
 * next read a MISS with the new data; the imperative helper still works.
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

  it('rename declares one call and a procedure: the header names them, then fresh MISSes', () => {
    expect(facts.rename).toEqual({
      invalidated: '1;{"calls":[["users.get",{"userId":1}]],"paths":["users.list"],"tags":[]}',
      reads: [
        { status: 'MISS', names: ['Ada Lovelace'] },
        { status: 'MISS', names: ['Ada Lovelace', 'Grace'] },
      ],
    });
  });

  it('create declares routes.users.list, then the list has the new user', () => {
    expect(facts.create).toEqual({
      invalidated: '1;{"calls":[],"paths":["users.list"],"tags":[]}',
      reads: [{ status: 'MISS', names: ['Ada Lovelace', 'Grace', 'Barbara'] }],
    });
  });

  it('delete declares tags.users: every tagged entry is dropped', () => {
    expect(facts.delete).toEqual({
      invalidated: '1;{"calls":[],"paths":[],"tags":["users"]}',
      reads: [
        { status: 'MISS', names: ['Ada Lovelace'] },
        { status: 'MISS', names: ['Ada Lovelace', 'Barbara'] },
      ],
    });
  });

  it('purge calls invalidateTag.users() itself and gets the count', () => {
    expect(facts.purge).toEqual({
      removed: 2,
      reads: [{ status: 'MISS', names: ['Ada Lovelace', 'Barbara'] }],
    });
    expect(facts.resolverRuns).toBe(8);
  });
});
