/** A value or a promise of it. Stores return plain values when they can answer synchronously. */
export type MaybePromise<T> = T | Promise<T>;
