/**
 * Smoke test of examples/orpc: runs its demo against its real oRPC server and checks every fact
 * it prints.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type OrpcDemoFacts, runOrpcDemo } from '../../examples/orpc/src/demo-run.js';

describe('examples/orpc demo', () => {
  let facts: OrpcDemoFacts;
  beforeAll(async () => {
    facts = await runOrpcDemo(() => {});
  }, 15_000);

  it('answers MISS, then HIT with the same ETag, then 304 to If-None-Match', () => {
    const [miss, hit, conditional] = facts.seen;
    expect(miss).toMatchObject({ status: 200, xCache: 'MISS' });
    expect(miss?.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(hit).toEqual({ ...miss, xCache: 'HIT' });
    expect(conditional).toEqual({ status: 304, xCache: 'HIT', etag: miss?.etag });
    expect(facts.values).toEqual([
      { id: 1, name: 'Ada Lovelace' },
      { id: 1, name: 'Ada Lovelace' },
    ]);
  });

  it('invalidates through the typed keys: removed 1, the next read is a MISS with the new value', () => {
    expect(facts.removed).toBe(1);
    expect(facts.afterRename.seen).toMatchObject({ status: 200, xCache: 'MISS' });
    expect(facts.afterRename.value).toEqual({ id: 1, name: 'Ada King' });
    expect(facts.resolverRuns).toBe(2);
  });
});
