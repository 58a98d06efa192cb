import { ConfigurationError } from '@routecache/core';
import { warnOnce } from '@routecache/core/adapter';
import type { ProcedureType } from '@trpc/server';
import type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';
import { assertUserTag } from './path-tags.js';
import { requestStateOf } from './request-state.js';
import type { Invalidation } from './wire/headers.js';

const TARGET: unique symbol = Symbol.for('routecache.trpc.invalidationTarget');

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

/**
 * A call target.
 *
 * @internal
 * @example
 * ```ts
 * const target = makeTarget({ kind: 'tag', tag: 'users' });
 * ```
 */
export function makeTarget(spec: TargetSpec): InvalidationTarget {
  return Object.freeze({ [TARGET]: spec });
}

/**
 * A procedure target: every call of `path` when used as is, one call when called.
 *
 * @internal
 * @example
 * ```ts
 * procedureTarget<{ userId: number }>('users.get')({ userId: 1 });
 * ```
 */
export function procedureTarget<TInput>(path: string): ProcedureTarget<TInput> {
  const call = (input?: TInput) => makeTarget({ kind: 'call', path, input });
  return Object.freeze(Object.assign(call, { [TARGET]: { kind: 'path', path } as const }));
}

/**
 * A sub-router target carrying its children (procedures, nested routers) as properties.
 *
 * @internal
 * @example
 * ```ts
 * routerTarget('users', { get: procedureTarget('users.get') });
 * ```
 */
export function routerTarget<TChildren extends object>(
  path: string,
  children: TChildren,
): TChildren & InvalidationTarget {
  return Object.freeze({ ...children, [TARGET]: { kind: 'path', path } as const });
}

/**
 * The spec of a target.
 *
 * @internal
 * @throws {ConfigurationError} when `value` is not a target.
 * @example
 * ```ts
 * specOf(routes.users); // { kind: 'path', path: 'users' }
 * ```
 */
export function specOf(value: unknown, where: string): TargetSpec {
  const spec =
    (typeof value === 'object' || typeof value === 'function') && value !== null
      ? (value as Partial<InvalidationTarget>)[TARGET]
      : undefined;
  if (typeof spec !== 'object' || spec === null) {
    throw new ConfigurationError(
      `The invalidates declaration of ${where} returned ${typeof value === 'string' ? `the string "${value}"` : String(value)}, not a target; return routes.*, tags.* or tag(…) of the generated module`,
      { context: { where } },
    );
  }
  if (spec.kind === 'tag') assertUserTag(spec.tag, `the invalidates declaration of ${where}`);
  return spec;
}

/**
 * What the header says for a list of targets: exactly what the declaration named (paths, raw
 * inputs, tags), never a key or a principal.
 *
 * @internal
 * @example
 * ```ts
 * describeTargets([{ kind: 'path', path: 'users' }]); // { calls: [], paths: ['users'], tags: [] }
 * ```
 */
export function describeTargets(specs: readonly TargetSpec[]): Invalidation {
  const calls: (readonly [string, unknown])[] = [];
  const paths: string[] = [];
  const tags: string[] = [];
  for (const spec of specs) {
    if (spec.kind === 'call') calls.push([spec.path, spec.input]);
    else if (spec.kind === 'path') paths.push(spec.path);
    else tags.push(spec.tag);
  }
  return { calls, paths, tags };
}

/**
 * Make the `invalidates` factory over a function that removes the server entries of targets.
 *
 * The middleware runs the rest of the chain first. Only when the mutation succeeded does it
 * call `resolve`, remove the entries it names (every variant, on every layer of the caches,
 * through `apply`) and record the invalidation on the request state for the HTTP glue
 * (`Routecache-Invalidate`). The result is returned as it came, in every case: the write
 * happened, so a failure of the invalidation (a throwing `resolve`, a target that is not a
 * cached route, a store error) does not turn it into a failed response. It is reported once per
 * procedure as the warning `ROUTECACHE_INVALIDATION_FAILED` (store errors also reach the cache's
 * `error` event); a store failure still sends the header (the client refreshes what was named),
 * a failed `resolve` sends none (nothing was named).
 *
 * @internal
 * @example
 * ```ts
 * const invalidates = createInvalidates((specs, ctx) => removeEntries(specs, ctx));
 * ```
 */
export function createInvalidates(
  apply: (specs: readonly TargetSpec[], ctx: unknown) => Promise<unknown>,
): InvalidatesFactory {
  return function invalidates<TInput, TCtx>(
    resolve: (args: InvalidatesArgs<TInput, TCtx>) => readonly InvalidationTarget[],
  ): InvalidatesMiddleware<TCtx, TInput> {
    if (typeof resolve !== 'function') {
      throw new ConfigurationError('invalidates(resolve) needs a function returning targets', {
        context: { received: typeof resolve },
      });
    }
    return async function invalidatesMiddleware(
      opts: InvalidatesCallOptions<TCtx, TInput>,
    ): Promise<MiddlewareResult<object>> {
      if (opts.type !== 'mutation') {
        throw new ConfigurationError(
          `invalidates(…) declares what a mutation invalidates; "${opts.path}" is a ${opts.type}`,
          { context: { path: opts.path, type: opts.type } },
        );
      }
      const result = await opts.next();
      if (!result.ok) return result;
      let specs: TargetSpec[];
      try {
        const targets = resolve({ input: opts.input, ctx: opts.ctx, data: result.data });
        specs = [...targets].map((target) => specOf(target, `"${opts.path}"`));
      } catch (error) {
        reportFailure(opts.path, error);
        return result;
      }
      try {
        await apply(specs, opts.ctx);
      } catch (error) {
        reportFailure(opts.path, error);
      }
      requestStateOf(opts.ctx)?.recordInvalidation(opts.batchIndex, describeTargets(specs));
      return result;
    };
  };
}

function reportFailure(path: string, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  warnOnce(
    'ROUTECACHE_INVALIDATION_FAILED',
    `"${path}" succeeded, and its result was sent, but its invalidation failed (cached entries may be stale until their ttl): ${reason}`,
    path,
  );
}
