import { build, type Message } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embedSourceMap } from './source-map';

/** The Node version the embedded runtime provides; plugin code is compiled for it. */
export const EMBEDDED_NODE_TARGET = 'node18';

/** How esbuild writes each kind of source map (an `embedded` one is written beside, then moved in). */
const ESBUILD_SOURCEMAP = { inline: 'inline', embedded: 'external', none: false } as const;

/** The SDK's package root: the nearest folder above this file whose package.json is this SDK's. */
function findSdkRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'falco-plugin-sdk'
    ) {
      return dir;
    }
  }
  throw new Error(`cannot find the falco-plugin-sdk package above ${from}`);
}

/** The root folder of this SDK package. */
export const sdkRoot = findSdkRoot(__dirname);

/**
 * Bundles a plugin entry (TypeScript or JavaScript) and its npm dependencies into one CommonJS file for the
 * embedded Node. `falco-plugin-sdk` imports resolve to this SDK.
 *
 * The source map is `inline` by default (the full map with the sources, for Node's own source map
 * support), `embedded` (positions only, with sources named relative to the plugin's project, for the
 * embedded runtime: see source-map.ts) or `none`.
 *
 * @throws Error listing the compile errors with file and line, or naming a missing entry.
 */
export async function bundlePlugin(
  entry: string,
  outfile: string,
  options: {
    sourcemap?: 'inline' | 'embedded' | 'none';
    /** Minify the bundle's whitespace and syntax (identifiers keep their names). */
    minify?: boolean;
    name?: string;
    /** The entry's source, when `entry` names a file that does not exist (resolved from its folder). */
    contents?: string;
  } = {},
): Promise<void> {
  const entryPath = path.resolve(entry);
  if (options.contents === undefined && !existsSync(entryPath)) {
    throw new Error(`plugin entry ${entry} does not exist`);
  }
  const workingDir = projectDir(path.dirname(entryPath));
  try {
    await build({
      ...(options.contents === undefined
        ? { entryPoints: [entryPath] }
        : {
            stdin: {
              contents: options.contents,
              resolveDir: path.dirname(entryPath),
              sourcefile: path.relative(workingDir, entryPath),
              loader: 'ts' as const,
            },
          }),
      // Module comments in the bundle name files relative to the plugin's project, never this machine's paths.
      absWorkingDir: workingDir,
      outfile,
      bundle: true,
      platform: 'node',
      target: EMBEDDED_NODE_TARGET,
      format: 'cjs',
      sourcemap: ESBUILD_SOURCEMAP[options.sourcemap ?? 'inline'],
      sourcesContent: options.sourcemap !== 'embedded',
      // Identifiers keep their names: V8 names a frame's receiver by its class's own name, not `name`.
      minifyWhitespace: options.minify === true,
      minifySyntax: options.minify === true,
      keepNames: true,
      logLevel: 'silent',
      alias: {
        'falco-plugin-sdk/testing': sdkEntry('lib/testing/index'),
        'falco-plugin-sdk/prebuilts': sdkEntry('prebuilts/index'),
        'falco-plugin-sdk': sdkEntry('lib/index'),
      },
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors) throw err;
    const lines = errors.map((e) =>
      e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text,
    );
    throw new Error(`cannot compile ${options.name ?? entry}:\n${lines.join('\n')}`);
  }
  if (options.sourcemap === 'embedded') embedSourceMap(outfile, workingDir);
}

/** The nearest folder at or above `dir` with a package.json (the plugin's project), else `dir`. */
function projectDir(dir: string): string {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    if (existsSync(path.join(d, 'package.json'))) return d;
  }
  return dir;
}

/** The source of an SDK module: the TypeScript file in a checkout, the compiled one in a package. */
export function sdkEntry(sub: string): string {
  const ts = path.join(sdkRoot, sub + '.ts');
  return existsSync(ts) ? ts : path.join(sdkRoot, 'dist', sub + '.js');
}

/** Bundles an entry into a temporary file, loads it and returns its module exports. */
export async function loadPluginModule(entry: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'falco-plugin-'));
  const file = path.join(dir, 'plugin.js');
  try {
    await bundlePlugin(entry, file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
