/**
 * README code blocks as type-checked modules: every fenced `ts` block of the READMEs becomes a
 * virtual file beside `readme/globals.ts` (which declares the names snippets leave out) and is
 * compiled with the test project's compiler options, so a README example that no longer matches
 * the API fails CI with its README file and line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { WORKSPACE_ROOT } from './packages.js';

const SCAFFOLD_DIR = join(import.meta.dirname, 'readme');
const SNIPPETS_DIR = join(SCAFFOLD_DIR, 'snippets');

/** One fenced `ts` block of a README. */
export interface Snippet {
  /** The README, relative to the workspace root, e.g. `packages/core/README.md`. */
  readme: string;
  /** The README line of the block's first code line (1-based). */
  line: number;
  code: string;
}

/** The READMEs whose snippets are compiled: the root one, each package's and each example's. */
export function readmeFiles(): string[] {
  const nested = ['packages', 'examples'].flatMap((parent) =>
    readdirSync(join(WORKSPACE_ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name, 'README.md'))
      .filter((file) => {
        try {
          readFileSync(join(WORKSPACE_ROOT, file));
          return true;
        } catch {
          return false;
        }
      }),
  );
  return ['README.md', ...nested.sort()];
}

/** A fenced code block of a README: its language tag (`ts`, `jsonc`, `sh`…) and code. */
export interface FencedBlock extends Snippet {
  lang: string;
}

/** Every fenced block of `text`, indented fences (inside lists) included. */
export function fencedBlocks(readme: string, text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { indent: string; lang: string; line: number; lines: string[] } | undefined;
  for (const [index, line] of text.split('\n').entries()) {
    if (open === undefined) {
      const fence = /^(\s*)```(\w*)\s*$/.exec(line);
      if (fence)
        open = { indent: fence[1] ?? '', lang: fence[2] ?? '', line: index + 2, lines: [] };
    } else if (/^\s*```\s*$/.test(line)) {
      blocks.push({ readme, lang: open.lang, line: open.line, code: open.lines.join('\n') });
      open = undefined;
    } else {
      open.lines.push(line.startsWith(open.indent) ? line.slice(open.indent.length) : line);
    }
  }
  return blocks;
}

/** The fenced ```ts / ```typescript blocks of `text`. */
export function extractSnippets(readme: string, text: string): Snippet[] {
  return fencedBlocks(readme, text)
    .filter((block) => block.lang === 'ts' || block.lang === 'typescript')
    .map(({ readme, line, code }) => ({ readme, line, code }));
}

/** Every snippet of every README in {@link readmeFiles}. */
export function readmeSnippets(): Snippet[] {
  return readmeFiles().flatMap((readme) =>
    extractSnippets(readme, readFileSync(join(WORKSPACE_ROOT, readme), 'utf8')),
  );
}

function virtualPath(snippet: Snippet): string {
  return join(SNIPPETS_DIR, `${snippet.readme.replaceAll('/', '_')}_${snippet.line}.ts`);
}

/**
 * Type-check `snippets` together with the scaffold, each as its own module. Resolves to one
 * line per diagnostic, located in the README (`README.md:165:7 TS2322 …`), or in the scaffold.
 *
 * @example
 * ```ts
 * expect(compileSnippets(readmeSnippets())).toEqual([]);
 * ```
 */
export function compileSnippets(snippets: readonly Snippet[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(WORKSPACE_ROOT, 'test/tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (config === undefined) throw new Error('test/tsconfig.json could not be read');
  // A snippet without import/export is a module too, so two snippets may both declare `cache`.
  // Nothing is emitted, so no declaration-emit errors about names a snippet cannot export.
  const options = {
    ...config.options,
    noEmit: true,
    declaration: false,
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  const byPath = new Map(snippets.map((snippet) => [virtualPath(snippet), snippet]));

  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => byPath.has(file) || fileExists.call(host, file);
  host.readFile = (file) => byPath.get(file)?.code ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const snippet = byPath.get(file);
    return snippet === undefined
      ? getSourceFile.call(host, file, language, ...rest)
      : ts.createSourceFile(file, snippet.code, language, true);
  };
  const program = ts.createProgram({
    rootNames: [join(SCAFFOLD_DIR, 'globals.ts'), ...byPath.keys()],
    options,
    host,
  });

  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const { file, start } = diagnostic;
    if (file === undefined || start === undefined) return `TS${diagnostic.code} ${message}`;
    const { line, character } = file.getLineAndCharacterOfPosition(start);
    const snippet = byPath.get(file.fileName);
    const where =
      snippet === undefined
        ? `${relative(WORKSPACE_ROOT, file.fileName)}:${line + 1}`
        : `${snippet.readme}:${snippet.line + line}`;
    return `${where}:${character + 1} TS${diagnostic.code} ${message}`;
  });
}
