import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The ECMAScript library of the embedded runtime (Node 18): what a plugin may call. */
const EMBEDDED_LIB = ['lib.es2022.d.ts'];
const MAX_REPORTED = 20;
const EMIT_LAYOUT_OPTIONS = [
  'outDir',
  'declarationDir',
  'rootDir',
  'composite',
  'emitDeclarationOnly',
  'incremental',
  'tsBuildInfoFile',
] as const;
/** "Property does not exist … change your target library" and "cannot find name … change your lib". */
const LIBRARY_LEVEL_CODES = new Set([2550, 2583]);

/** The nearest tsconfig.json at or above `dir`. */
function findTsconfig(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (d === path.dirname(d)) return undefined;
  }
}

function builtInOptions(entryDir: string): ts.CompilerOptions {
  const hasNodeTypes = ts.resolveTypeReferenceDirective(
    'node',
    path.join(entryDir, 'index.ts'),
    {},
    ts.sys,
  ).resolvedTypeReferenceDirective;
  return {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: hasNodeTypes ? ['node'] : [],
  };
}

function compilerOptions(entryPath: string): ts.CompilerOptions {
  const config = findTsconfig(path.dirname(entryPath));
  if (config === undefined) return builtInOptions(path.dirname(entryPath));
  const read = ts.readConfigFile(config, ts.sys.readFile);
  if (read.error) {
    throw new Error(
      `cannot read ${config}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`,
    );
  }
  return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(config), undefined, config).options;
}

function describe(d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return message;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${path.relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1}: ${message}`;
}

/**
 * Type-checks a plugin entry and what it imports, as `falco-plugin build` does before bundling: with the
 * compiler options of the nearest tsconfig.json (a strict built-in set without one), and always with the
 * ECMAScript library of the embedded runtime (ES2022: Node 18 has no `Array.prototype.toSorted`). So the
 * compile-time checks of `registerPlugin` hold for every plugin that builds.
 *
 * @throws Error `type errors in <entry>:` with one `file:line:column: message` line per error.
 */
export function typecheckPlugin(entryPath: string): void {
  const options: ts.CompilerOptions = {
    ...compilerOptions(entryPath),
    lib: EMBEDDED_LIB,
    noEmit: true,
  };
  // Emit layout only: irrelevant without emit, and `composite` would want every imported file as a root.
  for (const key of EMIT_LAYOUT_OPTIONS) delete options[key];
  const program = ts.createProgram([entryPath], options);
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return;
  const lines = [...new Set(errors.map(describe))];
  const shown = lines.slice(0, MAX_REPORTED);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  if (errors.some((d) => LIBRARY_LEVEL_CODES.has(d.code))) {
    shown.push('note: plugins run on the embedded Node 18 runtime (ECMAScript 2022 library)');
  }
  throw new Error(`type errors in ${path.relative(process.cwd(), entryPath)}:\n${shown.join('\n')}`);
}
