import { dirname, join, relative, sep } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import type {
  ContextSource,
  DeclaredTarget,
  Diagnostic,
  DiscoveredProcedure,
  DiscoveryResult,
  StaticCacheOptions,
} from '../discover/types.js';
import { quote } from './tree.js';

/** A cached query the generated module has helpers for. */
export interface CachedQuery {
  path: string;
  /** Path segments (tRPC splits paths on `.`). */
  segments: readonly string[];
  /** Under a lazy router: helpers must load it before the runtime route exists. */
  lazy: boolean;
  /**
   * The ctx its helpers take: none (the key does not read ctx), or a parameter of type `type` (an
   * alias of {@link ContextTypeModel}), optional when codegen cannot tell whether the key reads it.
   */
  ctx: { type: string; optional: boolean } | undefined;
  /** Whether the procedure takes input; helpers of one without input that read ctx take only ctx. */
  hasInput: boolean;
  options: StaticCacheOptions;
  /** The file declaring the procedure, relative to the config root (no line: keeps output stable). */
  file: string;
  /**
   * Its raw input type: printed from the checker, `void` without input, or (when it could not be
   * printed) `inferRouterInputs<typeof router>[…]`.
   */
  inputType: string;
  /** The mutations declaring they invalidate it, and how (`users.rename` (call)), sorted. */
  invalidatedBy: readonly string[];
}

/** A literal tag and the cached queries declaring it. */
export interface TagModel {
  name: string;
  paths: readonly string[];
}

/** A type alias for the ctx some helpers take: what their cache middleware sees. */
export interface ContextTypeModel {
  alias: string;
  /** The aliased type, e.g. `inferProcedureBuilderResolverOptions<typeof import('./trpc.js').authed>['ctx']`. */
  type: string;
  /** Where it comes from, for the alias's doc comment. */
  docs: string;
  /** Which tRPC type helper `type` uses. */
  helper: 'inferRouterContext' | 'inferProcedureBuilderResolverOptions';
}

/** Everything emit needs; deterministic (sorted) and free of absolute paths. */
export interface GenerationModel {
  /** Import specifier of the router module, relative to the output file (`../src/router.js`). */
  routerImport: string;
  routerExport: string;
  /** The router module relative to the config root, for the banner. */
  routerSource: string;
  queries: readonly CachedQuery[];
  /** The ctx types helpers take, sorted by alias. */
  contexts: readonly ContextTypeModel[];
  tags: readonly TagModel[];
  /** Whether an input type falls back to `inferRouterInputs` (it then needs the import). */
  inferredInputs: boolean;
}

const toPosix = (path: string): string => path.split(sep).join('/');

/**
 * `src/router.ts` seen from `src/gen/out.ts` → `../router.js` (NodeNext wants the emitted extension).
 *
 * @example
 * ```ts
 * importSpecifier('/app/src/gen/out.ts', '/app/src/router.ts'); // '../router.js'
 * ```
 */
export function importSpecifier(fromFile: string, toModule: string): string {
  const path = toPosix(relative(dirname(fromFile), toModule)).replace(
    /\.(m|c)?tsx?$/,
    (_, m = '') => `.${m}js`,
  );
  return path.startsWith('.') ? path : `./${path}`;
}

/** The ctx type aliases of the helpers, one per distinct source, with stable unique names. */
function contextTypes(
  procedures: readonly DiscoveredProcedure[],
  config: Pick<ResolvedConfig, 'root' | 'router' | 'output'>,
): Map<string, ContextTypeModel> {
  const sources = new Map<string, ContextSource>();
  for (const p of procedures) {
    const source = p.context;
    if (source === undefined || source.kind === 'unknown') continue;
    sources.set(sourceKey(source), source);
  }
  const taken = new Set(['Inputs', 'Context']);
  const byKey = new Map<string, ContextTypeModel>();
  for (const key of [...sources.keys()].sort()) {
    const source = sources.get(key);
    if (source === undefined || source.kind === 'unknown') continue;
    if (source.kind === 'router') {
      byKey.set(key, {
        alias: 'Context',
        type: `inferRouterContext<typeof ${config.router.export}>`,
        docs: "The router's context: the ctx a cache middleware sees when no middleware runs before it.",
        helper: 'inferRouterContext',
      });
      continue;
    }
    const base = `${source.name.charAt(0).toUpperCase()}${source.name.slice(1)}Context`;
    let alias = base;
    for (let n = 2; taken.has(alias); n++) alias = `${base}${n}`;
    taken.add(alias);
    const specifier = importSpecifier(config.output, join(config.root, source.module));
    const value = `typeof import(${quote(specifier)}).${source.name}`;
    byKey.set(key, {
      alias,
      type: `inferProcedureBuilderResolverOptions<${source.factory ? `ReturnType<${value}>` : value}>['ctx']`,
      docs: `The ctx after \`${source.name}${source.factory ? '(…)' : ''}\` (${source.module}): what the cache middlewares used on it see.`,
      helper: 'inferProcedureBuilderResolverOptions',
    });
  }
  return byKey;
}

const sourceKey = (source: ContextSource): string =>
  source.kind === 'builder' ? `${source.module}#${source.name}#${source.factory}` : source.kind;

function ctxParameter(
  procedure: DiscoveredProcedure,
  contexts: ReadonlyMap<string, ContextTypeModel>,
): CachedQuery['ctx'] {
  if (procedure.context === undefined) return undefined;
  const type = contexts.get(sourceKey(procedure.context))?.alias;
  if (type === undefined) throw new Error(`no ctx type for ${procedure.path}`);
  return { type, optional: procedure.options?.customKey?.readsContext !== true };
}

/**
 * Model stage: keep the cached queries (a cached mutation or subscription never stores, so it has
 * no key to build), group literal tags, and fix every path the output depends on.
 *
 * @example
 * ```ts
 * const model = buildModel(discover(config), config);
 * model.queries.map((q) => q.path); // ['catalog.featured', 'users.get', …] (sorted)
 * ```
 */
export function buildModel(
  discovery: DiscoveryResult,
  config: Pick<ResolvedConfig, 'root' | 'router' | 'output'>,
): GenerationModel {
  const contexts = contextTypes(discovery.procedures, config);
  const cached = discovery.procedures
    .filter((p) => p.cached && p.type === 'query' && p.options !== undefined)
    // Sorted here too: the output must not depend on the order discovery found procedures in.
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const reverse = reverseIndex(discovery.procedures, cached);
  const queries = cached
    // A ctx-reading key whose ctx type is unknown gets no helpers (RC_UNKNOWN_CONTEXT_TYPE).
    .filter((p) => p.context?.kind !== 'unknown')
    .map(
      (p): CachedQuery => ({
        path: p.path,
        segments: p.path.split('.'),
        lazy: p.lazyPrefix !== undefined,
        ctx: ctxParameter(p, contexts),
        hasInput: p.hasInput,
        options: p.options as StaticCacheOptions,
        file: p.location.file,
        inputType: !p.hasInput
          ? 'void'
          : (p.inputType ??
            `inferRouterInputs<typeof ${config.router.export}>${p.path
              .split('.')
              .map((s) => `[${quote(s)}]`)
              .join('')}`),
        invalidatedBy: reverse.get(p.path) ?? [],
      }),
    );
  // Tag helpers need no ctx: they list every cached query declaring the tag, helpers or not.
  const byTag = new Map<string, string[]>();
  for (const p of cached) {
    for (const tag of p.options?.tags ?? []) byTag.set(tag, [...(byTag.get(tag) ?? []), p.path]);
  }
  const tags = [...byTag.keys()].sort().map((name) => ({ name, paths: byTag.get(name) ?? [] }));
  return {
    routerImport: importSpecifier(config.output, config.router.module),
    routerExport: config.router.export,
    routerSource: toPosix(relative(config.root, config.router.module)),
    queries,
    contexts: [...new Set(contexts.values())].sort((a, b) =>
      a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0,
    ),
    tags,
    inferredInputs: queries.some((q) => q.inputType.startsWith('inferRouterInputs<')),
  };
}

/** Whether `target` of a declaration reaches the cached query `p`. */
function reaches(target: DeclaredTarget, p: DiscoveredProcedure): boolean {
  switch (target.kind) {
    case 'call':
      return target.name === p.path;
    case 'path':
      return p.path === target.name || p.path.startsWith(`${target.name}.`);
    case 'tag':
      return p.options?.tags.includes(target.name) ?? false;
    case 'computed':
      return p.options?.dynamicTags ?? false;
  }
}

const HOW: Record<DeclaredTarget['kind'], (target: DeclaredTarget) => string> = {
  call: () => 'one call',
  path: (target) =>
    target.name.includes('.') ? `every call of ${target.name}` : `router ${target.name}`,
  tag: (target) => `tag ${target.name}`,
  computed: () => 'a computed tag, if it matches',
};

/** Per cached query: `\`users.rename\` (one call)` for each mutation whose declaration reaches it. */
function reverseIndex(
  procedures: readonly DiscoveredProcedure[],
  cached: readonly DiscoveredProcedure[],
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const mutation of procedures) {
    for (const target of mutation.invalidates) {
      for (const p of cached) {
        if (!reaches(target, p)) continue;
        const entry = `\`${mutation.path}\` (${HOW[target.kind](target)})`;
        const list = index.get(p.path) ?? [];
        if (!list.includes(entry)) list.push(entry);
        index.set(p.path, list);
      }
    }
  }
  for (const list of index.values()) list.sort();
  return index;
}

/**
 * Declarations naming what the router no longer has: a call or path with no cached query at or
 * under it, a static tag no cached query declares. Warnings when generating (the module must be
 * writable while the declarations are fixed), failures under `--check`.
 *
 * @example
 * ```ts
 * staleDeclarations(discovery, model); // [{ code: 'RC_STALE_INVALIDATION', message: '`users.rename` … `users.get` …', … }]
 * ```
 */
export function staleDeclarations(
  discovery: DiscoveryResult,
  model: GenerationModel,
): Diagnostic[] {
  const tags = new Set(model.tags.map((tag) => tag.name));
  const stale: Diagnostic[] = [];
  for (const mutation of discovery.procedures) {
    for (const target of mutation.invalidates) {
      if (target.kind === 'computed') continue;
      const exists =
        target.kind === 'tag'
          ? tags.has(target.name)
          : model.queries.some((q) =>
              target.kind === 'call'
                ? q.path === target.name
                : q.path === target.name || q.path.startsWith(`${target.name}.`),
            );
      if (exists) continue;
      const what =
        target.kind === 'tag'
          ? `tag \`${target.name}\`, which no cached procedure declares`
          : `\`${target.name}\`, which is not ${target.kind === 'call' ? 'a cached procedure' : 'a cached procedure or a router of cached procedures'} of the router`;
      stale.push({
        severity: 'warning',
        code: 'RC_STALE_INVALIDATION',
        message: `\`${mutation.path}\` declares it invalidates ${what} (renamed or removed?)`,
        hint: `update the invalidates(…) declaration of \`${mutation.path}\` to the current routes/tags`,
        location: target.location,
      });
    }
  }
  return stale;
}
