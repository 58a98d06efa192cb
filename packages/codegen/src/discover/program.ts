import { Project, ts } from 'ts-morph';

/**
 * Where ts-morph serves the lib files it bundles (`lib.es2023.d.ts`…): the programs read them from
 * there, so codegen needs no `typescript` package next to it.
 */
const LIB_FOLDER = '/node_modules/typescript/lib';

/** How a program resolves one import: `undefined` leaves it unresolved (the file is not loaded). */
export type ResolveModule = (
  name: string,
  containingFile: string,
  options: ts.CompilerOptions,
  host: ts.ModuleResolutionHost,
  cache: ts.ModuleResolutionCache,
) => ts.ResolvedModuleFull | undefined;

/**
 * The app's programs of one codegen run, from its tsconfig. Discovery and input types build
 * different programs (other options, other imports resolved) over the same app files; their
 * source files are shared, so each file is read, parsed and bound once, as a language service
 * shares them between program versions.
 *
 * @example
 * ```ts
 * const programs = new Programs('/app/tsconfig.json');
 * const program = programs.create('/app/src/router.ts', { noLib: true }, (name, from, options, host, cache) =>
 *   ts.resolveModuleName(name, from, options, host, cache).resolvedModule);
 * ```
 */
export class Programs {
  /** The tsconfig's compiler options. */
  readonly options: ts.CompilerOptions;
  private readonly files = new Map<string, ts.SourceFile>();
  private libs: ts.ModuleResolutionHost | undefined;

  constructor(tsconfig: string) {
    this.options = compilerOptions(tsconfig);
  }

  /**
   * A program of `root` and what it imports, with the tsconfig's options and `overrides`;
   * `resolve` decides which imports are loaded.
   */
  create(root: string, overrides: ts.CompilerOptions, resolve: ResolveModule): ts.Program {
    const options = { ...this.options, ...overrides };
    const host = this.host();
    const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => f, options);
    host.resolveModuleNames = (names, containingFile) =>
      names.map((name) => resolve(name, containingFile, options, host, cache));
    return ts.createProgram({ rootNames: [root], options, host });
  }

  private host(): ts.CompilerHost {
    const isLib = (file: string) => file.startsWith(`${LIB_FOLDER}/`);
    // ts-morph's file system knows its bundled lib files; everything else is read from disk.
    const libs = () => {
      this.libs ??= new Project({ skipAddingFilesFromTsConfig: true }).getModuleResolutionHost();
      return this.libs;
    };
    const readFile = (file: string) =>
      isLib(file) ? libs().readFile(file) : ts.sys.readFile(file);
    return {
      getSourceFile: (fileName, languageVersion) => {
        let file = this.files.get(fileName);
        if (file === undefined) {
          const text = readFile(fileName);
          if (text === undefined) return undefined;
          // Parent pointers set, as ts-morph's language service sets them: discovery walks up.
          file = ts.createSourceFile(fileName, text, languageVersion, true);
          this.files.set(fileName, file);
        }
        return file;
      },
      getDefaultLibFileName: (o) => `${LIB_FOLDER}/${ts.getDefaultLibFileName(o)}`,
      getDefaultLibLocation: () => LIB_FOLDER,
      writeFile: () => {},
      getCurrentDirectory: () => ts.sys.getCurrentDirectory(),
      getCanonicalFileName: (fileName) => fileName,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      readFile,
      fileExists: (file) => (isLib(file) ? libs().fileExists(file) : ts.sys.fileExists(file)),
      directoryExists: (dir) =>
        dir === LIB_FOLDER || LIB_FOLDER.startsWith(`${dir}/`) || ts.sys.directoryExists(dir),
      realpath: (path) => (isLib(path) ? path : (ts.sys.realpath?.(path) ?? path)),
      getDirectories: (path) => ts.sys.getDirectories(path),
    };
  }
}

/**
 * The compiler options of a tsconfig (`extends` followed). Its file list is not needed (the
 * programs start from the router module), so its `include` globs are not expanded.
 */
function compilerOptions(tsconfig: string): ts.CompilerOptions {
  let unreadable: ts.Diagnostic | undefined;
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    readDirectory: () => [],
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      unreadable = diagnostic;
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, host);
  if (parsed === undefined) {
    throw new Error(ts.flattenDiagnosticMessageText(unreadable?.messageText, '\n'));
  }
  return parsed.options;
}
