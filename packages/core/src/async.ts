import type { MaybePromise } from './types.js';

/** A rejection handler for promises whose outcome nobody awaits (a background refresh, a release). */
export function ignore(): void {}

/** Whether a store answer is a promise (or any thenable) rather than a plain value. */
export function isPromiseLike<T>(value: MaybePromise<T>): value is PromiseLike<T> & Promise<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** What {@link withTimeout} settles with when the promise was slower than its budget. */
export const TIMED_OUT: unique symbol = Symbol('routecache.timedOut');
export type TimedOut = typeof TIMED_OUT;

/**
 * Race `promise` against a budget of `ms`: its value, its rejection, or {@link TIMED_OUT} when
 * the budget runs out first (a late answer is then dropped). The one promise timeout of the
 * package: the engine's store calls, the Redis guard, the Redis connection and bus use it.
 *
 * The timer is cleared as soon as the promise settles, and never keeps the process alive on its
 * own (`unref` exists on Node/Bun/Deno timers only).
 *
 * @example
 * ```ts
 * const answer = await withTimeout(client.get(key), 40);
 * if (answer === TIMED_OUT) return miss();
 * ```
 */
export function withTimeout<T>(promise: PromiseLike<T>, ms: number): Promise<T | TimedOut> {
  return new Promise<T | TimedOut>((resolve, reject) => {
    const timer = setTimeout(resolve, ms, TIMED_OUT);
    (timer as { unref?: () => void }).unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
