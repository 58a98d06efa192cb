/**
 * Example-only: the stand-in database's resolver runs per user id, so the tests can tell a
 * cache hit from a resolver run in the server component and the route handler alike.
 */
import { db } from '../../../src/server/cache';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json(Object.fromEntries(db.reads));
}
