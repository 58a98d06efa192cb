/**
 * The server-side caller for server components: calls procedures in-process, no HTTP. The
 * cache middleware serves it from the same entries the route handler fills.
 */
import { appRouter, t } from './router';

export const caller = t.createCallerFactory(appRouter)({});
