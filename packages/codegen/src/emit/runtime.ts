import { type FunctionDeclarationStructure, StructureKind } from 'ts-morph';

/**
 * The few functions every generated module carries. They hold no key logic: keys come from the
 * adapter's `getCachedRoute(...).baseKey` (the middleware's own function, custom `key` included),
 * and inputs go through the procedure's own `.input()` validators, exactly as tRPC runs them.
 *
 * @example
 * ```ts
 * project.createSourceFile('gen.ts', { statements: runtimeFunctions('appRouter') });
 * ```
 */
export function runtimeFunctions(router: string): FunctionDeclarationStructure[] {
  const fn = (
    structure: Omit<FunctionDeclarationStructure, 'kind'>,
  ): FunctionDeclarationStructure => ({ kind: StructureKind.Function, ...structure });
  return [
    fn({
      name: 'loadedRoute',
      isAsync: true,
      docs: [
        'The runtime route at `path`, after loading the lazy routers on it (a lazy router adds its procedures on first load).',
      ],
      parameters: [{ name: 'path', type: 'string' }],
      returnType: 'Promise<CachedRoute>',
      statements: (w) => {
        w.write('while (true)').block(() => {
          w.writeLine(
            `const prefix = Object.keys(${router}._def.lazy).find((key) => path.startsWith(\`\${key}.\`));`,
          );
          w.writeLine(
            `const loader = prefix === undefined ? undefined : ${router}._def.lazy[prefix];`,
          );
          w.writeLine('if (loader === undefined) break;');
          w.writeLine('await loader.load();');
        });
        w.writeLine(`const found = getCachedRoute(${router}, path);`);
        w.write('if (found === undefined)').block(() => {
          w.writeLine(
            `throw new Error(\`routecache: "\${path}" is not a cached procedure of ${router}; run \\\`routecache codegen\\\` again\`);`,
          );
        });
        w.writeLine('return found;');
      },
    }),
    fn({
      name: 'parsedInput',
      isAsync: true,
      docs: [
        "The input the cache middleware of `path` sees for the client input `raw`: the procedure's own `.input()` validators before it, run in order (defaults, transforms and stripped fields included).",
      ],
      parameters: [
        { name: 'path', type: 'string' },
        { name: 'raw', type: 'unknown' },
      ],
      returnType: 'Promise<unknown>',
      statements: (w) => {
        w.writeLine(
          `const procedure = (${router}._def.procedures as Record<string, unknown>)[path] as Procedure | undefined;`,
        );
        w.writeLine('let input: unknown;');
        w.write('for (const step of procedure?._def.middlewares ?? [])').block(() => {
          w.writeLine('if (CACHE_MIDDLEWARE in step) break;');
          w.writeLine("if (step._type !== 'input') continue;");
          w.write('await step(').inlineBlock(() => {
            w.writeLine('input,');
            w.writeLine('getRawInput: async () => raw,');
            w.write('next: async (next) =>').inlineBlock(() => {
              w.writeLine('input = next.input;');
              w.writeLine('return { ok: true };');
            });
            w.write(',');
          });
          w.write(');');
        });
        w.newLine().writeLine('return input;');
      },
    }),
    fn({
      name: 'keyOf',
      isAsync: true,
      docs: ['The base key the cache middleware of `path` stores the call `(input, ctx)` under.'],
      parameters: [
        { name: 'path', type: 'string' },
        { name: 'input', type: 'unknown' },
        { name: 'ctx', type: 'unknown', hasQuestionToken: true },
      ],
      returnType: 'Promise<string>',
      statements: [
        'const found = await loadedRoute(path);',
        'return found.baseKey(await parsedInput(path, input), ctx);',
      ],
    }),
    fn({
      name: 'invalidateOne',
      isAsync: true,
      docs: ['Remove every variant of the entry of the call `(input, ctx)` of `path`.'],
      parameters: [
        { name: 'path', type: 'string' },
        { name: 'input', type: 'unknown' },
        { name: 'ctx', type: 'unknown', hasQuestionToken: true },
      ],
      returnType: 'Promise<number>',
      statements: [
        'const found = await loadedRoute(path);',
        'return found.invalidate(await parsedInput(path, input), ctx);',
      ],
    }),
    fn({
      name: 'invalidateTagIn',
      isAsync: true,
      docs: ['Invalidate `tag` once in each distinct cache of the procedures declaring it.'],
      parameters: [
        { name: 'tag', type: 'string' },
        { name: 'paths', type: 'readonly string[]' },
      ],
      returnType: 'Promise<number>',
      statements: [
        'const caches = new Set((await Promise.all(paths.map(loadedRoute))).map((found) => found.cache));',
        'let removed = 0;',
        'for (const cache of caches) removed += await cache.invalidateTags([tag]);',
        'return removed;',
      ],
    }),
  ];
}
