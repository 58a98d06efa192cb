// The types of declared invalidation (`invalidates(…)` and its targets), the subpath
// `@routecache/trpc/invalidation`: the generated module's exports have these types, and an app
// that emits declarations names them from here. The functions live in ./invalidates.ts and are
// reached through `createRouteHelpers` (the root export stays small).
import type { ProcedureType } from '@trpc/server';
import type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';

/**
 * The key a target's spec lives under (a registered symbol: it cannot collide with a procedure
 * or router name, and survives two copies of the package).
 *
 * @internal
 * @example
 * ```ts
 * routes.users[TARGET]; // { kind: 'path', path: 'users' }
 * ```
 */
export const TARGET: unique symbol = Symbol.for('routecache.trpc.invalidationTarget');

/**
 * What one target names: one call (path + raw input), every cached call under a path (a
 * procedure or a sub-router: the implicit tag `@path`), or a declared tag.
 *
 * @internal
 * @example
 * ```ts
 * const spec: TargetSpec = { kind: 'call', path: 'users.get', input: { userId: 1 } };
 * ```
 */
export type TargetSpec =
  | { readonly kind: 'call'; readonly path: string; readonly input: unknown }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'tag'; readonly tag: string };

/**
 * Something an `invalidates` declaration may return. Made by the generated module (`routes`,
 * `tags`, `tag`) or the route helpers (`procedure`, `router`, `tag`), never by hand.
 *
 * @example
 * ```ts
 * const target: InvalidationTarget = routes.users.get({ userId: 1 });
 * ```
 */
export interface InvalidationTarget {
  readonly [TARGET]: TargetSpec;
}

/**
 * A procedure as a target: uncalled, every call of it; called with a raw input, that one call.
 *
 * @example
 * ```ts
 * const get: ProcedureTarget<{ userId: number }> = routes.users.get;
 * get({ userId: 1 }); // one call
 * ```
 */
export type ProcedureTarget<TInput> = InvalidationTarget &
  ((...input: undefined extends TInput ? [input?: TInput] : [input: TInput]) => InvalidationTarget);

/**
 * What an `invalidates` resolve function receives once its mutation succeeded.
 *
 * @example
 * ```ts
 * invalidates(({ input, ctx, data }) => [routes.users.get({ userId: input.userId })]);
 * ```
 */
export interface InvalidatesArgs<TInput, TCtx> {
  /** The mutation's parsed input. */
  input: TInput;
  /** The context as the middlewares before this one left it. */
  ctx: TCtx;
  /** The mutation's result (`unknown`: a middleware is typed before its resolver). */
  data: unknown;
}

/**
 * What tRPC passes the middleware (the subset it uses).
 *
 * @example
 * ```ts
 * await middleware({ ctx, input, path: 'users.rename', type: 'mutation', batchIndex: 0, next });
 * ```
 */
export interface InvalidatesCallOptions<TCtx, TInput> {
  ctx: TCtx;
  input: TInput;
  path: string;
  type: ProcedureType;
  batchIndex: number;
  next: () => Promise<MiddlewareResult<object>>;
}

/**
 * The tRPC middleware an `invalidates(resolve)` declaration makes. It adds nothing to the
 * context and returns the mutation's own result: the mutation's types do not change.
 *
 * @example
 * ```ts
 * const middleware: InvalidatesMiddleware<Ctx, { userId: number }> = invalidates(({ input }) => [routes.users]);
 * ```
 */
export type InvalidatesMiddleware<TCtx, TInput> = (
  opts: InvalidatesCallOptions<TCtx, TInput>,
) => Promise<MiddlewareResult<object>>;

/**
 * The `invalidates` factory bound to one router; `TInput` and `TCtx` are inferred from the
 * mutation it is passed to.
 *
 * @example
 * ```ts
 * const invalidates: InvalidatesFactory = createRouteHelpers(() => appRouter).invalidates;
 * ```
 */
export type InvalidatesFactory = <TInput = unknown, TCtx = unknown>(
  resolve: (args: InvalidatesArgs<TInput, TCtx>) => readonly InvalidationTarget[],
) => InvalidatesMiddleware<TCtx, TInput>;
