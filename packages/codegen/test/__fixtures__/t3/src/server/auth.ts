/** A stand-in for the app's auth(): the session of the request, or null. */
export interface Session {
  user: { id: string; orgId: string; permissions: string[] };
}

export function auth(headers: Headers): Session | null {
  const id = headers.get('x-user');
  if (id === null) return null;
  return { user: { id, orgId: headers.get('x-org') ?? 'org-1', permissions: ['*'] } };
}
