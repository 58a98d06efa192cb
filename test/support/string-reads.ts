/**
 * Counting calls of String.prototype's per-character readers, for the regression tests that
 * keep hot loops off them (test/regression/string-subclass-*.test.ts): once a process holds a
 * subclass of `String` (ioredis 6 declares one), V8 no longer inlines those calls.
 */
const READERS = ['charCodeAt', 'codePointAt', 'charAt', 'at'] as const;

/**
 * `run()`'s result and how many calls String.prototype's per-character readers took meanwhile
 * (each wrapped by a counter, restored afterwards whatever happens).
 */
export function readsDuring<T>(run: () => T): { result: T; reads: number } {
  let reads = 0;
  const originals = READERS.map((name) => [name, String.prototype[name]] as const);
  for (const [name, original] of originals) {
    const call = original as (this: string, ...args: never[]) => unknown;
    Object.defineProperty(String.prototype, name, {
      configurable: true,
      writable: true,
      value: function counted(this: string, ...args: never[]) {
        reads++;
        return call.apply(this, args);
      },
    });
  }
  try {
    return { result: run(), reads };
  } finally {
    for (const [name, original] of originals) {
      Object.defineProperty(String.prototype, name, {
        configurable: true,
        writable: true,
        value: original,
      });
    }
  }
}
