/**
 * Three reads and one button. The Rename mutation declares on the server what it invalidates;
 * nothing here calls `invalidate` — the page updates because the server said what changed.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import type { LinkMode } from './links.js';
import { useTRPC } from './trpc.js';

/** The page. */
export function App({ mode }: { mode: LinkMode }) {
  const trpc = useTRPC();
  const user = useQuery(trpc.users.get.queryOptions({ userId: 1 }));
  const users = useQuery(trpc.users.list.queryOptions());
  const posts = useQuery(trpc.posts.list.queryOptions());
  const rename = useMutation(trpc.users.rename.mutationOptions());
  const nextName = user.data?.name === 'Ada' ? 'Ada Lovelace' : 'Ada';

  return (
    <main>
      <h1>Keeping the client fresh</h1>
      <p>
        Link mode: <code id="mode">{mode}</code>
      </p>
      <section>
        <h2>users.get(1)</h2>
        <p id="user">{user.data?.name ?? '…'}</p>
      </section>
      <section>
        <h2>users.list</h2>
        <ul id="users">
          {users.data?.map((u) => (
            <li key={u.id}>{u.name}</li>
          ))}
        </ul>
      </section>
      <section>
        <h2>posts.list</h2>
        <ul id="posts">
          {posts.data?.map((p) => (
            <li key={p.id}>{p.title}</li>
          ))}
        </ul>
      </section>
      <button
        id="rename"
        type="button"
        disabled={user.data === undefined || rename.isPending}
        onClick={() => rename.mutate({ userId: 1, name: nextName })}
      >
        Rename user 1 to “{nextName}”
      </button>
      <p id="status">{rename.status}</p>
    </main>
  );
}
