/**
 * A stand-in for a database. Every read costs a few milliseconds and is counted per table, so
 * the demo can print how often a resolver really ran.
 */

/** A registered user. */
export interface User {
  id: string;
  handle: string;
  name: string;
  joinedAt: Date;
}

/** A post. `createdAt` is a `Date`, kept one by superjson on the wire. */
export interface Post {
  id: number;
  authorId: string;
  title: string;
  createdAt: Date;
}

const tokens = new Map([
  ['alice-token', 'u1'],
  ['bob-token', 'u2'],
]);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The tables and a read counter per table. */
export const db = {
  reads: { users: 0, posts: 0, feed: 0, trending: 0, stats: 0 },
  users: new Map<string, User>([
    [
      'u1',
      { id: 'u1', handle: 'alice', name: 'Alice', joinedAt: new Date('2024-01-02T03:04:05Z') },
    ],
    ['u2', { id: 'u2', handle: 'bob', name: 'Bob', joinedAt: new Date('2025-06-07T08:09:10Z') }],
  ]),
  posts: [
    {
      id: 1,
      authorId: 'u1',
      title: 'Caching typed routes',
      createdAt: new Date('2026-01-01T10:00:00Z'),
    },
    {
      id: 2,
      authorId: 'u1',
      title: 'Stale while revalidate',
      createdAt: new Date('2026-02-01T10:00:00Z'),
    },
    {
      id: 3,
      authorId: 'u2',
      title: 'Streams over HTTP',
      createdAt: new Date('2026-03-01T10:00:00Z'),
    },
  ] as Post[],
  /** Which post is trending right now (the demo changes it to show a background refresh). */
  trending: 1,

  userByToken(token: string): User | undefined {
    const id = tokens.get(token);
    return id === undefined ? undefined : this.users.get(id);
  },
  async getUser(id: string): Promise<User | undefined> {
    this.reads.users++;
    await pause(20);
    return this.users.get(id);
  },
  async userByHandle(handle: string): Promise<User | undefined> {
    this.reads.users++;
    await pause(20);
    return [...this.users.values()].find((user) => user.handle === handle);
  },
  async postsBy(authorId: string): Promise<Post[]> {
    this.reads.posts++;
    await pause(20);
    return this.posts.filter((post) => post.authorId === authorId);
  },
  async trendingPost(): Promise<Post | undefined> {
    this.reads.trending++;
    await pause(20);
    return this.posts.find((post) => post.id === this.trending);
  },
  /** Posts one by one, as a cursor over a large table would yield them. */
  async *feed(): AsyncGenerator<Post> {
    this.reads.feed++;
    for (const post of this.posts) {
      await pause(5);
      yield post;
    }
  },
};
