/** @internal One call whose budget {@link Deadlines} keeps (its links are the queue's own). */
export interface Timed {
  /** When its budget runs out, on the `performance.now()` clock. */
  readonly deadline: number;
  prev: Timed | undefined;
  next: Timed | undefined;
}

/**
 * Budgets of calls in flight that all have the same length, kept with one timer instead of one
 * per call. Calls queue in the order they start, which (one length for all, a monotonic clock)
 * is the order their budgets run out: the timer only waits for the oldest call in flight, and
 * each call still expires when its own budget runs out, not later. A call that settles leaves
 * the queue at once (nothing of it stays reachable); the timer, armed for a call that left, finds
 * the next one when it fires and waits for it.
 *
 * The timer never keeps the process alive on its own (`unref`, where the runtime has it).
 *
 * @internal
 * @example
 * ```ts
 * const deadlines = new Deadlines<Call>(40, (call, lateMs) => call.timedOut(lateMs));
 * const call = new Call(deadlines.deadline());
 * deadlines.add(call);
 * // when it answers first:
 * deadlines.delete(call);
 * ```
 */
export class Deadlines<T extends Timed> {
  readonly #budgetMs: number;
  readonly #expire: (call: T, lateMs: number) => void;
  #head: T | undefined;
  #tail: T | undefined;
  #armed = false;

  /**
   * `expire(call, lateMs)` runs for each call whose budget ran out (it has left the queue),
   * `lateMs` after it did (the timer fired late: the event loop was blocked). It must not throw:
   * the calls queued behind would never expire.
   */
  constructor(budgetMs: number, expire: (call: T, lateMs: number) => void) {
    this.#budgetMs = budgetMs;
    this.#expire = expire;
  }

  /** The deadline of a call starting now. */
  deadline(): number {
    return performance.now() + this.#budgetMs;
  }

  /** Keep `call`'s budget (its `deadline` from {@link deadline}, taken as it started). */
  add(call: T): void {
    const tail = this.#tail;
    if (tail === undefined) this.#head = call;
    else {
      tail.next = call;
      call.prev = tail;
    }
    this.#tail = call;
    if (!this.#armed) this.#arm(this.#budgetMs);
  }

  /** A call that settled before its budget ran out: it leaves the queue. */
  delete(call: T): void {
    const { prev, next } = call;
    if (prev === undefined) this.#head = next as T | undefined;
    else prev.next = next;
    if (next === undefined) this.#tail = prev as T | undefined;
    else next.prev = prev;
    call.prev = undefined;
    call.next = undefined;
  }

  /** One timer is armed while calls are queued (and at most until one budget after the last). */
  #arm(delayMs: number): void {
    this.#armed = true;
    const timer = setTimeout(this.#sweep, delayMs);
    (timer as { unref?: () => void }).unref?.();
  }

  /** Expire the calls out of budget, then wait for the next one. */
  readonly #sweep = (): void => {
    this.#armed = false;
    const now = performance.now();
    let call = this.#head;
    while (call !== undefined && call.deadline <= now) {
      this.delete(call);
      this.#expire(call, now - call.deadline);
      // Read after `expire`: what it started (a listener's call) queues behind.
      call = this.#head;
    }
    if (call !== undefined && !this.#armed) this.#arm(Math.ceil(call.deadline - now));
  };
}
