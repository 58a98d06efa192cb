// Calls every generated helper the way app code would; must compile.
import { invalidate, invalidateTag, keys } from '../expected/routecache.generated.js';
import type { AuthedContext } from '../src/trpc.js';

export async function afterRename(id: number, ctx: AuthedContext): Promise<number> {
  const key: string = await keys.users.get({ id });
  const removed: number = await invalidate.users.get({ id });
  await invalidate.users.byEmail({ email: 'Ada@Example.com' });
  await invalidate.users.me(ctx);
  await keys.catalog.products.list({ category: 'books' });
  await keys.catalog.products['by-sku']('SKU-1');
  await keys.catalog.featured();
  return key.length + removed + (await invalidateTag.catalog()) + (await invalidateTag.users());
}
