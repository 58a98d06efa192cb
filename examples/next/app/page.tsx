import { connection } from 'next/server';
import { caller } from '../src/server/caller';
import { ClientUser } from './client-user';

/**
 * A server component: reads `users.get` through the server-side caller (no HTTP), from the same
 * cache entries the route handler serves. The client components below read over HTTP.
 */
export default async function Page() {
  // Render per request (not once at build time), so each visit is a read through the cache.
  await connection();
  const user = await caller.users.get({ id: 1 });
  return (
    <main>
      <h1>routecache on Next.js</h1>
      <h2>Server component (createCaller)</h2>
      <p id="server-user">{user?.name ?? 'no such user'}</p>
      <h2>Client components (@trpc/tanstack-react-query)</h2>
      <ClientUser id={1} />
      <ClientUser id={2} />
    </main>
  );
}
