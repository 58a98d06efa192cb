import { dirname, relative, sep } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import type {
  DiscoveredProcedure,
  DiscoveryResult,
  StaticCacheOptions,
} from '../discover/types.js';

/** A cached query the generated module has helpers for. */
export interface CachedQuery {
  path: string;
  /** Path segments (tRPC splits paths on `.`). */
  segments: readonly string[];
  /** Under a lazy router: helpers must load it before the runtime route exists. */
  lazy: boolean;
  /** How the helpers take ctx: not at all, required (custom key reads it), or optional (unknown). */
  context: 'none' | 'required' | 'optional';
  options: StaticCacheOptions;
  /** The file declaring the procedure, relative to the config root (no line: keeps output stable). */
  file: string;
}

/** A literal tag and the cached queries declaring it. */
export interface TagModel {
  name: string;
  paths: readonly string[];
}

/** Everything emit needs; deterministic (sorted) and free of absolute paths. */
export interface GenerationModel {
  /** Import specifier of the router module, relative to the output file (`../src/router.js`). */
  routerImport: string;
  routerExport: string;
  /** The router module relative to the config root, for the banner. */
  routerSource: string;
  queries: readonly CachedQuery[];
  tags: readonly TagModel[];
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

function contextMode(procedure: DiscoveredProcedure): CachedQuery['context'] {
  const readsContext = procedure.options?.customKey?.readsContext;
  if (readsContext === undefined || readsContext === false) return 'none';
  return readsContext === true ? 'required' : 'optional';
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
  const queries = discovery.procedures
    .filter((p) => p.cached && p.type === 'query' && p.options !== undefined)
    // Sorted here too: the output must not depend on the order discovery found procedures in.
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(
      (p): CachedQuery => ({
        path: p.path,
        segments: p.path.split('.'),
        lazy: p.lazyPrefix !== undefined,
        context: contextMode(p),
        options: p.options as StaticCacheOptions,
        file: p.location.file,
      }),
    );
  const byTag = new Map<string, string[]>();
  for (const query of queries) {
    for (const tag of query.options.tags) byTag.set(tag, [...(byTag.get(tag) ?? []), query.path]);
  }
  const tags = [...byTag.keys()].sort().map((name) => ({ name, paths: byTag.get(name) ?? [] }));
  return {
    routerImport: importSpecifier(config.output, config.router.module),
    routerExport: config.router.export,
    routerSource: toPosix(relative(config.root, config.router.module)),
    queries,
    tags,
  };
}
