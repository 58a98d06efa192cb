import { LRUCache } from 'lru-cache';
import { type NamespacePolicy, resolveNamespace } from '../keying/namespace.js';

/** Route namespaces whose resolution is memoized (least recently used dropped beyond it). */
const MAX_MEMOIZED_NAMESPACES = 256;

/**
 * The namespace a call's keys are derived under: the cache's root namespace, or a route's
 * (`namespace` + route, per the {@link NamespacePolicy}), resolved once per route and memoized.
 *
 * @example
 * ```ts
 * const namespaces = new RouteNamespaces('api', 'concat');
 * namespaces.for('users'); // 'api' + 'users', resolved once, then from the memo
 * ```
 */
export class RouteNamespaces {
  readonly #namespace: string | undefined;
  readonly #policy: NamespacePolicy;
  readonly #root: string | undefined;
  // Values are `string | undefined`; lru-cache stores no `undefined`, so it holds them boxed.
  readonly #byRoute = new LRUCache<string, { value: string | undefined }>({
    max: MAX_MEMOIZED_NAMESPACES,
  });

  constructor(namespace: string | undefined, policy: NamespacePolicy) {
    this.#namespace = namespace;
    this.#policy = policy;
    this.#root = resolveNamespace(namespace, undefined, policy);
  }

  /** The namespace of `route`, or the root namespace when the call names none. */
  for(route: string | undefined): string | undefined {
    if (route === undefined) return this.#root;
    let memo = this.#byRoute.get(route);
    if (memo === undefined) {
      memo = { value: resolveNamespace(this.#namespace, route, this.#policy) };
      this.#byRoute.set(route, memo);
    }
    return memo.value;
  }
}
