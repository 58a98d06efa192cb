/** A place in the app's source, relative to the config root, `/`-separated. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** The tRPC procedure kinds. */
export type ProcedureType = 'query' | 'mutation' | 'subscription';

/**
 * What a custom `key` option does with ctx: `false` when it never reads ctx, `true` when it does,
 * `'unknown'` when the function cannot be read statically (e.g. it is imported from a package).
 */
export type ReadsContext = boolean | 'unknown';

/** The options of a procedure's `cacheMiddleware(...)` call that can be read statically. */
export interface StaticCacheOptions {
  /** The route namespace: a literal, `'dynamic'` when not a literal, `undefined` when absent. */
  namespace: string | undefined | 'dynamic';
  /** Literal tag names (sorted); dynamic tags are listed in `dynamicTags`. */
  tags: readonly string[];
  /** True when `tags` is (or contains) something other than string literals. */
  dynamicTags: boolean;
  /** `undefined` without a custom key; otherwise whether the key function reads ctx. */
  customKey: { readsContext: ReadsContext } | undefined;
  /** Literal `vary` header names, `'dynamic'` when not literals. */
  vary: readonly string[] | 'dynamic';
  /** `'public'`, `'private'`, `'dynamic'` or `undefined` when absent. */
  scope: string | undefined;
}

/**
 * Where the type of the ctx a cache middleware sees comes from, for helpers whose key reads ctx:
 * `router` — the chain has no middleware before the cache (`inferRouterContext`); `builder` —
 * an exported builder (`typeof name`) or, with `factory`, an exported function returning one
 * (`ReturnType<typeof name>`), with only `.input`/`.meta`/`.output` between it and the cache;
 * `unknown` — neither (reported as `RC_UNKNOWN_CONTEXT_TYPE`; no helpers).
 */
export type ContextSource =
  | { kind: 'router' }
  | {
      kind: 'builder';
      /** The declaring file, relative to the config root, `/`-separated. */
      module: string;
      /** Its export name. */
      name: string;
      factory: boolean;
    }
  | { kind: 'unknown' };

/**
 * One thing an `invalidates(…)` declaration on a mutation names: `call` (`routes.a.b(…)`), `path`
 * (`routes.a.b` or the sub-router `routes.a`), `tag` (`tags.x`), `computed` (`tag(…)`).
 */
export interface DeclaredTarget {
  kind: 'call' | 'path' | 'tag' | 'computed';
  /** The dotted path, or the tag name. */
  name: string;
  location: SourceLocation;
}

/** One procedure found under the router. */
export interface DiscoveredProcedure {
  /** The tRPC path, e.g. `users.get`. */
  path: string;
  type: ProcedureType;
  /** Whether its builder chain uses a `cacheMiddleware` made by `createCacheMiddleware`. */
  cached: boolean;
  /** Static options of the cache middleware (only when cached). */
  options: StaticCacheOptions | undefined;
  /** Whether its builder chain has an `.input()`; without one the procedure takes no input. */
  hasInput: boolean;
  /** Where the ctx type of its helpers comes from (only when cached and its key reads ctx). */
  context: ContextSource | undefined;
  /**
   * The raw input type (what a client sends) printed from the type checker; `undefined` for a
   * procedure without input, or when it could not be printed self-contained.
   */
  inputType: string | undefined;
  /** What its `invalidates(…)` declarations name (mutations; empty without one). */
  invalidates: readonly DeclaredTarget[];
  /** The lazy router prefix it lives under (`lazy(() => import(...))`), if any. */
  lazyPrefix: string | undefined;
  /** Where the procedure's `.query(...)` / `.mutation(...)` call is. */
  location: SourceLocation;
}

/** A problem found during discovery. Errors stop generation; warnings do not. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable code, e.g. `RC_UNRESOLVED_ROUTER_ENTRY`. */
  code: string;
  message: string;
  /** What the user can do about it. */
  hint: string;
  location: SourceLocation;
}

/** The result of discovery: procedures sorted by path, and diagnostics in source order. */
export interface DiscoveryResult {
  procedures: readonly DiscoveredProcedure[];
  diagnostics: readonly Diagnostic[];
}
