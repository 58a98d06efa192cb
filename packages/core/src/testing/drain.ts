/**
 * Read a stream to its end: its chunks and its return value. For tests of cached streams, in
 * core and in adapters alike.
 *
 * @example
 * ```ts
 * const { value } = await cache.getOrLoad({ baseKey, stream: limits, load: async () => rows() });
 * expect(await drain(value as AsyncIterable<number>)).toEqual({ chunks: [1, 2], returned: 'done' });
 * ```
 */
export async function drain<T, R>(
  stream: AsyncIterable<T, R>,
): Promise<{ chunks: T[]; returned: R }> {
  const chunks: T[] = [];
  const iterator = stream[Symbol.asyncIterator]();
  while (true) {
    const step = await iterator.next();
    if (step.done === true) return { chunks, returned: step.value };
    chunks.push(step.value);
  }
}
