/**
 * The database both instances share (in one process here; a real one in production). Reads are
 * counted per instance, so the demo can show which instance's resolver ran.
 */

/** A product row. */
export interface Product {
  id: number;
  name: string;
}

/** The table and the read counters, by instance name. */
export const db = {
  reads: new Map<string, number>(),
  products: new Map<number, Product>([
    [1, { id: 1, name: 'Keyboard' }],
    [2, { id: 2, name: 'Mouse' }],
  ]),
  async getProduct(id: number, instance: string): Promise<Product | undefined> {
    this.reads.set(instance, (this.reads.get(instance) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return this.products.get(id);
  },
  readsBy(instance: string): number {
    return this.reads.get(instance) ?? 0;
  },
};
