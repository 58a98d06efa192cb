import { ConfigurationError } from '@routecache/core';
import type { Invalidation } from '@routecache/core/adapter';
import { assertUserTag, requestStateOf, warnOnce } from '@routecache/core/adapter';
import type { MiddlewareResult } from '@trpc/server/unstable-core-do-not-import';
import {
  type InvalidatesArgs,
  type InvalidatesCallOptions,
  type InvalidatesFactory,
  type InvalidatesMiddleware,
  type InvalidationTarget,
  type ProcedureTarget,
  TARGET,
  type TargetSpec,
} from './invalidation.js';

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
