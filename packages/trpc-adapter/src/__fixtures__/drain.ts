/**
 * Read a stream to its end: its chunks and its return value (tests of streamed queries, unit and
 * integration alike).
 *
 * @example
 * ```ts
 * expect(await drain(replayStream(record))).toEqual({ chunks: [1, 2], returned: 'done' });
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
