import { z } from 'zod';

/**
 * The codegen config, as written in `routecache.config.json` or in the `routecache` field of
 * package.json. Paths are relative to the directory of the file that holds the config.
 *
 * @example
 * ```json
 * {
 *   "tsconfig": "tsconfig.json",
 *   "router": { "module": "src/router.ts", "export": "appRouter" },
 *   "output": "src/routecache.generated.ts"
 * }
 * ```
 */
export const configSchema = z.strictObject({
  /** The tsconfig the app type-checks with. @default "tsconfig.json" */
  tsconfig: z.string().min(1).default('tsconfig.json'),
  /** Where the root router lives. */
  router: z.strictObject({
    /** Module file of the router, e.g. `src/router.ts`. */
    module: z.string().min(1),
    /** Name of the export holding the router. @default "appRouter" */
    export: z.string().min(1).default('appRouter'),
  }),
  /** The generated module's path, e.g. `src/routecache.generated.ts`. */
  output: z
    .string()
    .min(1)
    .refine((path) => /\.(ts|mts|tsx)$/.test(path), 'expected a .ts, .mts or .tsx file'),
});

/** The config after validation and defaults, paths still relative to {@link ResolvedConfig.root}. */
export type CodegenConfig = z.output<typeof configSchema>;

/**
 * A validated config with the paths made absolute.
 *
 * @example
 * ```ts
 * const { output, router } = loadConfig({ cwd }); // absolute paths
 * ```
 */
export interface ResolvedConfig {
  /** The directory the config's relative paths start from. */
  root: string;
  /** The file the config was read from (a config file or a package.json). */
  source: string;
  /** Absolute path of the tsconfig. */
  tsconfig: string;
  /** Absolute path of the router module and the export name. */
  router: { module: string; export: string };
  /** Absolute path of the generated module. */
  output: string;
}

/**
 * Turn zod issues into one line per issue naming the field, e.g.
 * `routecache.router.export: expected string, received number`.
 *
 * @example
 * ```ts
 * formatIssues(configSchema.safeParse({ router: {} }).error?.issues ?? []);
 * // routecache.router.module: expected string, received undefined …
 * ```
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = ['routecache', ...issue.path.map(String)].join('.');
      const message = issue.message.replace(/^Invalid input: /, '');
      return `${field}: ${message}`;
    })
    .join('\n');
}
