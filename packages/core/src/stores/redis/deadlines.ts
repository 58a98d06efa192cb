/** @internal One call whose budget {@link Deadlines} keeps. */
export interface Timed {
  /** When its budget runs out, on the `performance.now()` clock. */
  readonly deadline: number;
  /** Set by its owner once it settled: its budget is then over, nothing expires it. */
  settled: boolean;
  /** The next call in start order (kept by {@link Deadlines}). */
  next: Timed | undefined;
}

/**
 * Budgets of calls in flight that all have the same length, kept with one timer instead of one
 * per call. Calls queue in the order they start, which (one length for all, a monotonic clock)
 * is the order their budgets run out: the timer waits for the oldest call still pending only,
 * and a call that settles is just marked (`settled`), dropped from the queue when the timer
 * passes it. Each call still expires when its own budget runs out, not later.
 *
 * The timer never keeps the process alive on its own (`unref`, where the runtime has it).
 *
 * @internal
 * @example
 * ```ts
 * const deadlines = new Deadlines<Call>(40, (call, lateMs) => call.timedOut(lateMs));
 * const call = new Call(deadlines.deadline());
 * deadlines.add(call);
 * // when it answers: call.settled = true
 * ```
 */
export class Deadlines<T extends Timed> {
  readonly #budgetMs: number;
  readonly #expire: (call: T, lateMs: number) => void;
  #head: T | undefined;
  #tail: T | undefined;

  /**
   * `expire(call, lateMs)` runs for each call whose budget ran out, `lateMs` after it did (the
   * timer fired late: the event loop was blocked). It must not throw: the calls queued behind
   * would never expire.
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
    if (tail === undefined) {
      this.#head = call;
      this.#arm(this.#budgetMs);
    } else tail.next = call;
    this.#tail = call;
  }

  /** One timer is armed exactly while calls are queued: by `add` to an empty queue, or a sweep. */
  #arm(delayMs: number): void {
    const timer = setTimeout(this.#sweep, delayMs);
    (timer as { unref?: () => void }).unref?.();
  }

  /** Drop the settled calls at the head, expire those out of budget, wait for the next. */
  readonly #sweep = (): void => {
    const now = performance.now();
    let call = this.#head;
    while (call !== undefined && (call.settled || call.deadline <= now)) {
      if (!call.settled) {
        call.settled = true;
        this.#expire(call, now - call.deadline);
      }
      // Read after `expire`: what it started (a listener's call) queues behind this one.
      const next = call.next as T | undefined;
      call.next = undefined;
      call = next;
    }
    this.#head = call;
    if (call === undefined) this.#tail = undefined;
    else this.#arm(Math.ceil(call.deadline - now));
  };
}
