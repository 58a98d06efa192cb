/** In-memory tables, and a count of resolver runs per procedure (what the browser test reads). */

/** A user row. */
export interface User {
  id: number;
  name: string;
}

/** A post row. */
export interface Post {
  id: number;
  title: string;
}

/** The tables and the resolver counter. */
export const db = {
  users: new Map<number, User>([
    [1, { id: 1, name: 'Ada' }],
    [2, { id: 2, name: 'Grace' }],
  ]),
  posts: [
    { id: 1, title: 'Notes on the Analytical Engine' },
    { id: 2, title: 'The first compiler' },
  ] as Post[],
  /** Resolver runs by procedure path: a cache HIT or a 304 does not run one. */
  runs: {} as Record<string, number>,
  ran(path: string): void {
    this.runs[path] = (this.runs[path] ?? 0) + 1;
  },
};
