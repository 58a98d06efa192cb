/**
 * Invalidation targets of the router, as `createRouteHelpers` builds them. The generated module
 * (`routecache codegen`) will emit these same names typed from the router; until then they are
 * spelled here.
 */
import { createRouteHelpers } from '@routecache/trpc';
import { appRouter } from './router.js';

const helpers = createRouteHelpers(() => appRouter);

/** Targets by path: `routes.users.get({ userId })` one call, `routes.users` the sub-router. */
export const routes = {
  users: helpers.router('users', {
    get: helpers.procedure<{ userId: number }>('users.get'),
    list: helpers.procedure<undefined>('users.list'),
  }),
  posts: helpers.router('posts', { list: helpers.procedure<undefined>('posts.list') }),
};

/** Static tags as targets. */
export const tags = { users: helpers.tag('users'), posts: helpers.tag('posts') };

/** The `invalidates` middleware factory of this router. */
export const invalidates = helpers.invalidates;
