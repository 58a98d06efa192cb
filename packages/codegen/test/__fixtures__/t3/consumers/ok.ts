// Calls generated helpers the way app code would; must compile.
import type { inferProcedureBuilderResolverOptions } from '@trpc/server';
import type { protectedProcedure, requirePermission } from '~/server/api/trpc';
import { invalidate, invalidateTag, keys } from '../expected/routecache.generated';

type Authed = inferProcedureBuilderResolverOptions<typeof protectedProcedure>['ctx'];
type Permitted = inferProcedureBuilderResolverOptions<ReturnType<typeof requirePermission>>['ctx'];

export async function afterWrite(authed: Authed, permitted: Permitted): Promise<number> {
  const key: string = await keys.post.list({ page: 2 });
  await keys.post.byId({ id: '1' });
  await keys.post.count();
  await keys.post.mine(authed);
  await keys.post.forOrg({ status: 'closed' }, permitted);
  await keys.comment.recent({ days: 3 });
  await keys.offices.mine(authed);
  await keys.admin.users.mine(authed);
  await keys.admin.overview(permitted);
  await keys.report.projects({});
  await keys.tags.list();
  await invalidate.categories.byId({ id: 'c' });
  // The session after protectedProcedure is never null: a ctx the key cannot take is refused.
  // @ts-expect-error session: null
  await keys.post.mine({ ...authed, session: null });
  return key.length + (await invalidate.post.mine(authed)) + (await invalidateTag.taxonomy());
}
