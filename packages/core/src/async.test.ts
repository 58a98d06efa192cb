import { describe, expect, it, vi } from 'vitest';
import { isPromiseLike, TIMED_OUT, withTimeout } from './async.js';

describe('withTimeout', () => {
  it('settles with the value of a promise inside its budget, and clears its timer', async () => {
    vi.useFakeTimers();
    try {
      const answer = withTimeout(Promise.resolve('v'), 50);
      await expect(answer).resolves.toBe('v');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes a rejection through as it is', async () => {
    const error = new Error('down');
    await expect(withTimeout(Promise.reject(error), 50)).rejects.toBe(error);
  });

  it('settles with TIMED_OUT when the budget runs out first, and drops the late answer', async () => {
    vi.useFakeTimers();
    try {
      let answer!: (value: string) => void;
      const slow = new Promise<string>((resolve) => {
        answer = resolve;
      });
      const raced = withTimeout(slow, 50);
      vi.advanceTimersByTime(50);
      await expect(raced).resolves.toBe(TIMED_OUT);
      answer('late');
      await expect(raced).resolves.toBe(TIMED_OUT);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('isPromiseLike', () => {
  it('tells thenables from plain values', () => {
    expect(isPromiseLike(Promise.resolve(1))).toBe(true);
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is no Promise is the case under test
    expect(isPromiseLike({ then: () => undefined } as never)).toBe(true);
    expect(isPromiseLike(1)).toBe(false);
    expect(isPromiseLike(undefined)).toBe(false);
  });
});
