// What `routecache codegen` emits for the scaffold's router, for README snippets that import
// `./routecache.generated.js` (the virtual snippet files sit beside it).
import { createRouteHelpers, type RouteHelpers } from '@routecache/trpc';
import type { inferRouterInputs } from '@trpc/server';
import { appRouter } from '../src/router.js';

type Inputs = inferRouterInputs<typeof appRouter>;
const helpers: RouteHelpers = createRouteHelpers(() => appRouter);

export const keys = {
  user: (input: Inputs['user']): Promise<string> => helpers.keyOf('user', input),
  users: {
    get: (input: Inputs['users']['get']): Promise<string> => helpers.keyOf('users.get', input),
    list: (): Promise<string> => helpers.keyOf('users.list', undefined),
  },
} as const;
export const invalidate = {
  user: (input: Inputs['user']): Promise<number> => helpers.invalidate('user', input),
  users: {
    get: (input: Inputs['users']['get']): Promise<number> => helpers.invalidate('users.get', input),
    list: (): Promise<number> => helpers.invalidate('users.list', undefined),
  },
} as const;
export const invalidateTag = {
  catalog: (): Promise<number> => helpers.invalidateTag('catalog', ['users.get']),
  users: (): Promise<number> => helpers.invalidateTag('users', ['users.get', 'users.list']),
} as const;
export const routes = {
  user: helpers.procedure<{ id: number }>('user'),
  users: helpers.router('users', {
    get: helpers.procedure<{ id: number }>('users.get'),
    list: helpers.procedure<void>('users.list'),
  }),
} as const;
export const tags = {
  catalog: helpers.tag('catalog'),
  users: helpers.tag('users'),
} as const;
export const tag = (name: string) => helpers.tag(name);
export const invalidates = helpers.invalidates;
