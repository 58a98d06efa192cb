// Calls every generated helper the way app code would; must compile.
import { invalidate, invalidateTag, keys } from '../expected/routecache.generated.js';

export async function refresh(): Promise<number> {
  const key: string = await keys.reports.daily({ day: '2026-01-01', region: 'eu' });
  await keys.audit.entries({ since: 0 });
  await keys.ping();
  await invalidate.uptime();
  await invalidate.version({ major: 2 });
  return (
    key.length +
    (await invalidateTag.reports()) +
    (await invalidateTag.audit()) +
    (await invalidateTag.slow())
  );
}
