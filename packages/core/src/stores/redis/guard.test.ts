import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '../../errors.js';
import { Guard } from './guard.js';

const MISS = { value: 'miss' };
const never = () => new Promise<string>(() => {});
const fail = () => Promise.reject(new Error('ECONNREFUSED'));
const ok = () => Promise.resolve('ok');

describe('Guard', () => {
  let statuses: string[];
  let guard: Guard;
  beforeEach(() => {
    vi.useFakeTimers();
    statuses = [];
    guard = new Guard('redis', 40, { threshold: 3, cooldownMs: 1000 }, (status) =>
      statuses.push(status),
    );
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects a call slower than the budget with a timeout StoreError', async () => {
    const call = guard.run('get', never);
    const settled = expect(call).rejects.toMatchObject({ code: 'ROUTECACHE_STORE_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(40);
    await settled;
  });

  it('keeps the budgets of many calls in flight with one timer, each expiring on time', async () => {
    const calls = Array.from({ length: 16 }, () => guard.run('get', never, MISS));
    expect(vi.getTimerCount()).toBe(1);
    const first = expect(calls[0]).rejects.toMatchObject({ code: 'ROUTECACHE_STORE_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(39);
    const pending = Symbol('pending');
    expect(await Promise.race([calls[15], Promise.resolve(pending)])).toBe(pending);
    await vi.advanceTimersByTimeAsync(1);
    await first;
    // The first timeout reported the outage; the others fail open.
    for (const call of calls.slice(1)) expect(await call).toBe('miss');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('opens at once on a timeout: a server that stops answering costs one budget', async () => {
    const call = guard.run('get', never, MISS);
    const settled = expect(call).rejects.toMatchObject({ code: 'ROUTECACHE_STORE_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(40);
    await settled;
    expect(guard.open).toBe(true);
    const next = vi.fn(ok);
    expect(await guard.run('get', next, MISS)).toBe('miss');
    expect(next).not.toHaveBeenCalled();
    expect(statuses).toEqual(['down']);
  });

  it('serves a call made during the first connection that runs out of budget as a miss, not an outage', async () => {
    const read = guard.run('get', never, MISS, true);
    const write = guard.run('invalidate', never, undefined, true);
    const settled = expect(write).rejects.toMatchObject({ code: 'ROUTECACHE_STORE_UNAVAILABLE' });
    await vi.advanceTimersByTimeAsync(40);
    expect(await read).toBe('miss');
    await settled;
    expect(guard.open).toBe(false);
    expect(statuses).toEqual([]);
    // A failure (not a timeout) during the first connection is an outage like any other.
    await expect(guard.run('get', fail, MISS, true)).rejects.toBeInstanceOf(StoreError);
    expect(statuses).toEqual(['down']);
  });

  it('counts a timeout whose timer fired late (a blocked event loop) as one failure only', async () => {
    // A real blocked loop: the budget's timer cannot run until the loop is free again.
    vi.useRealTimers();
    const call = guard.run('get', never, MISS);
    const settled = expect(call).rejects.toMatchObject({ code: 'ROUTECACHE_STORE_TIMEOUT' });
    const blockedUntil = performance.now() + 120;
    while (performance.now() < blockedUntil) {
      // busy: the loop is blocked for 120 ms, three budgets of 40
    }
    await settled;
    expect(guard.open).toBe(false);
    const next = vi.fn(ok);
    expect(await guard.run('get', next, MISS)).toBe('ok');
    expect(statuses).toEqual(['down', 'up']);
  });

  it('reports an outage once: the first failure rejects, later reads fall back silently', async () => {
    await expect(guard.run('get', fail, MISS)).rejects.toBeInstanceOf(StoreError);
    expect(await guard.run('get', fail, MISS)).toBe('miss');
    expect(await guard.run('get', fail, MISS)).toBe('miss');
    expect(statuses).toEqual(['down']);
    // Writes always reject: their caller must know.
    await expect(guard.run('invalidate', fail)).rejects.toBeInstanceOf(StoreError);
  });

  it('opens after `threshold` failures and stops calling until the cooldown ends', async () => {
    for (let i = 0; i < 3; i++) await guard.run('get', fail, MISS).catch(() => {});
    expect(guard.open).toBe(true);
    const call = vi.fn(ok);
    expect(await guard.run('get', call, MISS)).toBe('miss');
    expect(call).not.toHaveBeenCalled();
    await expect(guard.run('invalidate', call)).rejects.toMatchObject({
      code: 'ROUTECACHE_STORE_UNAVAILABLE',
    });

    await vi.advanceTimersByTimeAsync(1000);
    expect(await guard.run('get', call, MISS)).toBe('ok');
    expect(call).toHaveBeenCalledOnce();
    expect(guard.open).toBe(false);
    expect(statuses).toEqual(['down', 'up']);
  });

  it('lets one probe through when half-open and reopens if it fails', async () => {
    for (let i = 0; i < 3; i++) await guard.run('get', fail, MISS).catch(() => {});
    await vi.advanceTimersByTimeAsync(1000);
    const probe = guard.run('get', never, MISS);
    const other = vi.fn(ok);
    expect(await guard.run('get', other, MISS)).toBe('miss');
    expect(other).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(40);
    expect(await probe).toBe('miss');
    expect(guard.open).toBe(true);
  });
});
