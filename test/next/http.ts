/**
 * Raw `fetch` reads of examples/next's tRPC route handler and its resolver counts, shared by the
 * `next start` and `next dev` suites.
 */

/** One GET of `users.get` (or `users.count`) as the wire carries it. */
export interface Read {
  readonly status: number;
  readonly xCache: string | null;
  readonly etag: string | null;
  readonly cacheControl: string | null;
  /** The `Vary` names, lower-cased, de-duplicated, sorted: Next.js spreads a 304's over two lines. */
  readonly vary: readonly string[];
  readonly body: string;
}

export function userUrl(origin: string, id: number): string {
  return `${origin}/api/trpc/users.get?input=${encodeURIComponent(JSON.stringify({ id }))}`;
}

export async function read(url: string, headers: Record<string, string> = {}): Promise<Read> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    xCache: response.headers.get('x-cache'),
    etag: response.headers.get('etag'),
    cacheControl: response.headers.get('cache-control'),
    vary: varyNames(response.headers.get('vary')),
    body: await response.text(),
  };
}

function varyNames(vary: string | null): string[] {
  if (vary === null) return [];
  const names = vary.split(',').map((name) => name.trim().toLowerCase());
  return [...new Set(names.filter((name) => name !== ''))].sort();
}

/** The example's resolver runs per user id, from its example-only `/api/reads` route. */
export async function reads(origin: string): Promise<Record<string, number>> {
  return (await fetch(`${origin}/api/reads`)).json() as Promise<Record<string, number>>;
}
