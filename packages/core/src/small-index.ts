/** Up to this many items a linear scan beats a Map (and reusing it allocates nothing). */
const SMALL_INDEX = 16;

/**
 * @internal Items numbered in the order they were added, looked up by identity: a reused array
 * scanned linearly while small (most values have a few objects and keys), a Map beyond that. Made
 * to be kept and {@link SmallIndex.reset} between uses: a Map per use, or clearing one, allocates
 * a fresh hash table every time (the codec's encoder and the retained-size walk ran one per fill).
 *
 * @example
 * ```ts
 * const seen = new SmallIndex<object>();
 * if (seen.indexOf(node) === -1) seen.add(node);
 * seen.reset();
 * ```
 */
export class SmallIndex<T> {
  private readonly items: (T | undefined)[] = [];
  private count = 0;
  private map: Map<T, number> | undefined;

  indexOf(item: T): number {
    if (this.map !== undefined) return this.map.get(item) ?? -1;
    const items = this.items;
    for (let i = 0; i < this.count; i++) if (items[i] === item) return i;
    return -1;
  }

  /** Number `item` (the caller checked it is not there yet). */
  add(item: T): void {
    if (this.map !== undefined) {
      this.map.set(item, this.map.size);
      return;
    }
    if (this.count === SMALL_INDEX) {
      this.map = new Map();
      for (let i = 0; i < this.count; i++) this.map.set(this.items[i] as T, i);
      this.map.set(item, this.count);
      return;
    }
    this.items[this.count++] = item;
  }

  /** Empty it, holding on to nothing it was given. */
  reset(): void {
    // A loop: `Array.prototype.fill` runs in C++ (hundreds of instructions for a few slots).
    const items = this.items;
    for (let i = 0; i < this.count; i++) items[i] = undefined;
    this.count = 0;
    this.map = undefined;
  }
}
