/**
 * The tRPC links, picked from the page's URL: `?link=http` (one request per call), `?link=batch`
 * (the default: one request per tick), or `?link=stream` (queries streamed, mutations batched).
 * `invalidationLink` comes first in every mode: it reads what each mutation's response says it
 * invalidated and refreshes those React Query queries.
 */
import { invalidationLink } from '@routecache/trpc/client';
import type { QueryClient } from '@tanstack/react-query';
import {
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
import type { AppRouter } from '../server/router.js';

/** How the page talks to the server. */
export type LinkMode = 'http' | 'batch' | 'stream';

/** The mode named by `?link=`, `batch` when absent or unknown. */
export function linkModeOf(search: string): LinkMode {
  const mode = new URLSearchParams(search).get('link');
  return mode === 'http' || mode === 'stream' ? mode : 'batch';
}

/** The link chain for `mode`, refreshing `queryClient` after mutations. */
export function linksFor(mode: LinkMode, queryClient: QueryClient): TRPCLink<AppRouter>[] {
  const url = '/trpc';
  const transport =
    mode === 'http'
      ? httpLink({ url })
      : mode === 'batch'
        ? httpBatchLink({ url })
        : // A streamed response's headers go before its calls resolve: the mutation's outcome
          // cannot be in them, so mutations take httpBatchLink.
          splitLink({
            condition: (op) => op.type === 'mutation',
            true: httpBatchLink({ url }),
            false: httpBatchStreamLink({ url }),
          });
  return [invalidationLink({ queryClient }), transport];
}
