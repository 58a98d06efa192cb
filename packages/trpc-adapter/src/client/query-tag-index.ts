import { LRUCache } from 'lru-cache';
import { hasPageFields, queryIdentity } from './query-keys.js';

/**
 * Which tags each query's last response carried, by query identity (`queryIdentity`), bounded
 * by count. Absent means unknown — never answered through the link, answered without tags
 * (streamed, `*`), or forgotten — and an unknown query counts as carrying every tag.
 */
export class QueryTagIndex {
  readonly #entries: LRUCache<string, ReadonlySet<string>>;

  constructor(max: number) {
    this.#entries = new LRUCache({ max });
  }

  /** The tags of one query, or `undefined` when unknown. */
  tagsOf(identity: string): ReadonlySet<string> | undefined {
    return this.#entries.peek(identity);
  }

  /**
   * Note one answered call: `tags` are what its response carried, `undefined` when unknown.
   * A call with `cursor`/`direction` may be a page of an infinite query, whose key drops those
   * fields: that query carries the union of its pages' tags. Its first page (no cursor) starts
   * the union; a later page adds to it, and leaves it unknown when the first page was forgotten.
   */
  record(path: string, input: unknown, tags: ReadonlySet<string> | undefined): void {
    this.#set(queryIdentity(path, 'query', input), tags);
    if (!hasPageFields(input)) return;
    const pages = queryIdentity(path, 'infinite', input);
    const firstPage = (input as { cursor?: unknown }).cursor == null;
    const known = this.#entries.get(pages);
    if (firstPage || tags === undefined) this.#set(pages, tags);
    else if (known !== undefined) this.#set(pages, new Set([...known, ...tags]));
  }

  #set(identity: string, tags: ReadonlySet<string> | undefined): void {
    if (tags === undefined) this.#entries.delete(identity);
    else this.#entries.set(identity, tags);
  }
}
