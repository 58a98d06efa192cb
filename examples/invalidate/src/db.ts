/** A stand-in for a users table; every read is counted, so the demo can show resolver runs. */

/** A user row. */
export interface User {
  id: number;
  name: string;
}

/** The table and its read counter. */
export const db = {
  reads: 0,
  nextId: 3,
  users: new Map<number, User>([
    [1, { id: 1, name: 'Ada' }],
    [2, { id: 2, name: 'Grace' }],
  ]),
  read<T>(value: T): T {
    this.reads++;
    return value;
  },
};
