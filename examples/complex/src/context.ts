/** The request context: who calls (from `Authorization: Bearer <token>`) and in which language. */
import type { IncomingHttpHeaders } from 'node:http';
import { db, type User } from './db.js';

/** What every procedure sees. */
export interface Context {
  /** The caller, or `null` when anonymous or the token is unknown. */
  user: User | null;
  /** The `Accept-Language` the caller sent, `en` by default. */
  locale: string;
}

/**
 * Build the context of one HTTP request.
 *
 * @example
 * ```ts
 * createContext({ authorization: 'Bearer alice-token', 'accept-language': 'fr' });
 * // → { user: { id: 'u1', … }, locale: 'fr' }
 * ```
 */
export function createContext(headers: IncomingHttpHeaders): Context {
  const token = headers.authorization?.replace(/^Bearer /, '');
  return {
    user: token === undefined ? null : (db.userByToken(token) ?? null),
    locale: headers['accept-language'] ?? 'en',
  };
}
