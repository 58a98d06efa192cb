/**
 * Smoke test of examples/simple, the README quick start's demo: runs it against its real HTTP
 * server and checks every fact it prints.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoFacts, runDemo } from '../../examples/simple/src/demo-run.js';

describe('examples/simple demo (the quick start)', () => {
  let facts: DemoFacts;
  beforeAll(async () => {
    facts = await runDemo(() => {});
  }, 15_000);

  it('answers MISS, then HIT with the same ETag, then 304 with an empty body', () => {
    const [miss, hit, conditional] = facts.reads;
    expect(miss).toMatchObject({ status: 200, xCache: 'MISS' });
    expect(miss?.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(hit).toEqual({ ...miss, xCache: 'HIT' });
    expect(conditional).toEqual({ status: 304, xCache: 'HIT', etag: miss?.etag, bodyBytes: 0 });
  });

  it('serves the tRPC client the cached value', () => {
    expect(facts.cachedValue).toEqual({ id: 1, name: 'Ada Lovelace' });
  });

  it('invalidates on the mutation: removed 1, the next read is a MISS with the new value', () => {
    expect(facts.removed).toBe(1);
    expect(facts.afterRename.read).toMatchObject({ status: 200, xCache: 'MISS' });
    expect(facts.afterRename.read.etag).not.toBe(facts.reads[0]?.etag);
    expect(facts.afterRename.value).toEqual({ id: 1, name: 'Ada King' });
  });

  it('runs the resolver twice for six reads', () => {
    expect(facts.resolverRuns).toBe(2);
  });
});
