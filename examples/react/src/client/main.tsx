/** The page's entry: one QueryClient, one tRPC client, the link mode from the URL. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppRouter } from '../server/router.js';
import { App } from './App.js';
import { linkModeOf, linksFor } from './links.js';
import { TRPCProvider } from './trpc.js';

// Data changes only through mutations here, and each mutation's response says what it changed:
// no refetch on a timer, on focus or on remount — the invalidation link is what refreshes.
const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false } },
});
const mode = linkModeOf(window.location.search);
const trpcClient = createTRPCClient<AppRouter>({ links: linksFor(mode, queryClient) });

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App mode={mode} />
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
