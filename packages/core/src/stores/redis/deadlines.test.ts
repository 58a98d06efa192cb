import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, type Timed } from './deadlines.js';

class Call implements Timed {
  prev: Timed | undefined = undefined;
  next: Timed | undefined = undefined;
  constructor(
    readonly name: string,
    readonly deadline: number,
  ) {}
}

describe('Deadlines', () => {
  let expired: string[];
  let deadlines: Deadlines<Call>;
  const start = (name: string) => {
    const call = new Call(name, deadlines.deadline());
    deadlines.add(call);
    return call;
  };
  beforeEach(() => {
    vi.useFakeTimers();
    expired = [];
    deadlines = new Deadlines<Call>(40, (call) =>
      expired.push(`${call.name}@${performance.now()}`),
    );
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each call when its own budget runs out, with one timer for all', async () => {
    const t0 = performance.now();
    start('a');
    await vi.advanceTimersByTimeAsync(10);
    start('b');
    await vi.advanceTimersByTimeAsync(15);
    start('c');
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(expired).toEqual([`a@${t0 + 40}`, `b@${t0 + 50}`, `c@${t0 + 65}`]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never expires a deleted call, and stops its timer once nothing is pending', async () => {
    const t0 = performance.now();
    const a = start('a');
    await vi.advanceTimersByTimeAsync(20);
    const b = start('b');
    start('c');
    deadlines.delete(a);
    deadlines.delete(b);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(expired).toEqual([`c@${t0 + 60}`]);
    expect(vi.getTimerCount()).toBe(0);
    const d = start('d');
    await vi.advanceTimersByTimeAsync(10);
    deadlines.delete(d);
    start('e');
    await vi.advanceTimersByTimeAsync(100);
    expect(expired).toEqual([`c@${t0 + 60}`, `e@${t0 + 170}`]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the budget of a call started while another expires', async () => {
    const t0 = performance.now();
    deadlines = new Deadlines<Call>(40, (call) => {
      expired.push(`${call.name}@${performance.now()}`);
      if (call.name === 'a') start('from a');
    });
    start('a');
    await vi.advanceTimersByTimeAsync(200);
    expect(expired).toEqual([`a@${t0 + 40}`, `from a@${t0 + 80}`]);
  });
});
