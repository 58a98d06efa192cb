'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './providers';

/** A client component: reads `users.get` from the browser through the tRPC route handler. */
export function ClientUser({ id }: { id: number }) {
  const trpc = useTRPC();
  const { data, status } = useQuery(trpc.users.get.queryOptions({ id }));
  return (
    <p id={`client-user-${id}`} data-status={status}>
      {status === 'success' ? (data?.name ?? 'no such user') : status}
    </p>
  );
}
