/**
 * Smoke test of examples/redis: runs its demo (two instances, one real redis-server started on
 * a free loopback port) and checks the facts it prints. Without redis-server it fails in CI
 * with the install command, and skips loudly elsewhere (test/support/redis-server.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoFacts, runDemo } from '../../examples/redis/src/demo-run.js';
import { redisAvailable } from '../support/redis-server.js';

describe.skipIf(!redisAvailable())('examples/redis demo', () => {
  let facts: DemoFacts;
  beforeAll(async () => {
    facts = await runDemo(() => {});
  }, 15_000);

  it('instance A fills the shared cache on a miss', () => {
    expect(facts.fill.call).toMatchObject({ httpStatus: 200, xCache: 'MISS', name: 'Keyboard' });
    expect(facts.fill.aRuns).toBe(1);
  });

  it('instance B hits what A stored (L2), without running its resolver, and fills its L1', () => {
    expect(facts.shared.bL1Before).toBe(false);
    expect(facts.shared.call).toMatchObject({ httpStatus: 200, xCache: 'HIT', name: 'Keyboard' });
    expect(facts.shared.bRuns).toBe(0);
    expect(facts.shared.bL1After).toBe(true);
  });

  it("an invalidation on A drops B's L1 copy over the bus; B's next read is fresh", () => {
    expect(facts.bus.removedOnA).toBe(1);
    expect(facts.bus.bL1Dropped).toBe(true);
    expect(facts.bus.bCall).toMatchObject({ xCache: 'MISS', name: 'Mechanical keyboard' });
    expect(facts.bus.bRuns).toBe(1);
  });

  it('fails open when redis-server is stopped: every call succeeds', () => {
    expect(facts.failOpen.succeeded).toBe(facts.failOpen.calls.length);
    expect(facts.failOpen.calls.map((call) => call.name)).toEqual([
      'Mouse',
      'Mouse',
      'Mouse',
      'Mechanical keyboard',
    ]);
    // While Redis is down the tiered store keeps fills in each instance's L1: product 2 runs its
    // resolver once per instance, and the repeats are L1 hits.
    expect(facts.failOpen.calls.map((call) => `${call.instance} ${call.xCache}`)).toEqual([
      'A MISS',
      'B MISS',
      'A HIT',
      'B HIT',
    ]);
    expect(facts.failOpen.runsDuringOutage).toBe(2);
  });
});
