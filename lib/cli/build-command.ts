import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PluginRegistration } from '../plugins/registration';
import type { NativeExports } from '../symbols/native-bridge';
import { bundlePlugin, sdkEntry } from './bundle';
import { hasDynamicImport } from './dynamic-import';
import { withSectionData } from './elf-section';
import { pluginExports } from './export-groups';
import { encodePayload, PAYLOAD_SECTION } from './payload';
import { loadPlatform, type Platform } from './platform';
import { typecheckPlugin } from './typecheck';

/** Options of `falco-plugin build`. */
export interface BuildOptions {
  /** The artifact folder: `lib<name>.so`, and `falco-ts-runtime/` unless `systemRuntime`. */
  readonly output: string;
  /** Also write `<name>-<version>-<platform>.tar.gz` of the artifact into the output folder. */
  readonly tar?: boolean;
  /** Only the library, which then uses the host's libnode108 (Debian 12's `apt-get install libnode108`). */
  readonly systemRuntime?: boolean;
  /** Type-check the plugin before bundling it (default true). */
  readonly typecheck?: boolean;
  /**
   * Store V8 code caches of the bundle and of Node's builtins in the library (default true): the build runs
   * the library once in the embedded runtime, which compiles the bootstrap and the bundle's top level and
   * serialises the bytecode. At run time the plugin then deserialises instead of compiling, which shortens
   * its start. A cache that does not fit the runtime that loads the library is ignored.
   */
  readonly codeCache?: boolean;
  /**
   * Minify the bundle (default true): shorter to load and to keep in memory. Function and class names stay,
   * and the bundle carries a source map, so stack traces in errors and logs name the plugin's source files,
   * lines and columns either way.
   */
  readonly minify?: boolean;
}

/** What `falco-plugin build` produced. */
export interface BuildResult {
  /** The plugin library, `<output>/lib<name>.so`. */
  readonly library: string;
  /** The artifact folder. */
  readonly artifact: string;
  /** The `.tar.gz` of the artifact, with `tar`. */
  readonly tarball?: string;
  readonly registration: PluginRegistration;
  readonly bundleBytes: number;
  /** Size of the code cache stored in the library (0: none). */
  readonly codeCacheBytes?: number;
  readonly libraryBytes: number;
  /** The library plus the runtime it carries. */
  readonly artifactBytes: number;
}

/**
 * The template with the plugin's export groups: those of its capabilities, `set_config` when it takes config
 * updates, the event schema version when it declares one; the others hidden (export-groups.ts).
 */
function pluginTemplate(registration: PluginRegistration, platform: Platform): Buffer {
  const caps = Object.entries(registration.capabilities)
    .filter(([, has]) => has)
    .map(([name]) => name);
  if (caps.length === 0) {
    throw new Error(
      `plugin ${registration.info.name} has no capability: extend EventSourcing(BasePlugin), FieldExtraction(BasePlugin), EventParsing(BasePlugin), CaptureListening(BasePlugin) and/or AsyncEvents(BasePlugin)`,
    );
  }
  const provided = Object.keys(platform.exportGroups);
  const unsupported = caps.filter((c) => !provided.includes(c));
  if (unsupported.length > 0) {
    throw new Error(
      `plugin ${registration.info.name} needs ${unsupported.join(', ')}, which the native layer of ${platform.name} does not provide (it has ${provided.join(', ')})`,
    );
  }
  return pluginExports(
    readFileSync(platform.template),
    platform.exportGroups,
    registration,
    path.basename(platform.template),
  );
}

/** Files below `dir`, relative to it. */
function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(prefix, entry.name);
    return entry.isDirectory() ? filesBelow(dir, rel) : [rel];
  });
}

/** Places the runtime folder into the artifact: hard links where the file system allows, else copies. */
function placeRuntime(platform: Platform, artifact: string): number {
  const target = path.join(artifact, platform.runtimeName);
  rmSync(target, { recursive: true, force: true });
  let bytes = 0;
  for (const rel of filesBelow(platform.runtimeDir)) {
    const from = path.join(platform.runtimeDir, rel);
    const to = path.join(target, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
    bytes += statSync(to).size;
  }
  return bytes;
}

function writeTarball(artifact: string, name: string, entries: readonly string[]): string {
  const tarball = path.join(artifact, name);
  try {
    execFileSync('tar', ['-czf', tarball, '--owner=0', '--group=0', '-C', artifact, ...entries], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const { stderr, message } = err as { stderr?: Buffer; message: string };
    throw new Error(
      `writing ${tarball} failed (it needs the tar command: apt-get install tar, or your system's package): ${stderr?.toString().trim() || message}`,
    );
  }
  return tarball;
}

/**
 * `falco-plugin build <entry> -o <dir>`: type-checks the plugin, bundles it with its npm dependencies for
 * the embedded Node, reads its static information, and writes the plugin library: the prebuilt library of
 * the plugin layer with the plugin's payload (static information and bundle) in it. The library exports
 * exactly the symbols of the plugin's capabilities and features. Beside it goes the embedded runtime (libnode and the
 * libraries it needs), so the artifact runs on any x86-64 glibc Linux with nothing installed.
 *
 * @throws Error for a missing entry, type errors, a compile error, a module without a plugin, a plugin
 * without a capability, or a platform without prebuilt native parts.
 */
export async function buildPlugin(
  entry: string,
  options: BuildOptions,
  platform: Platform = loadPlatform(),
): Promise<BuildResult> {
  const entryPath = path.resolve(entry);
  if (!existsSync(entryPath)) throw new Error(`plugin entry ${entry} does not exist`);
  if (options.typecheck !== false) typecheckPlugin(entryPath);
  const work = mkdtempSync(path.join(tmpdir(), 'falco-plugin-build-'));
  try {
    // The bundle's entry: the plugin wrapped in the functions the plugin layer calls.
    const wrapper =
      `import { nativeEntry } from ${JSON.stringify(sdkEntry('lib/symbols/native-entry'))};\n` +
      `import * as plugin from ${JSON.stringify('./' + path.basename(entryPath))};\n` +
      `module.exports = nativeEntry(plugin as Record<string, unknown>, ${JSON.stringify(path.basename(entry))});\n`;
    const bundleFile = path.join(work, 'bundle.js');
    await bundlePlugin(path.join(path.dirname(entryPath), 'falco-plugin-entry.ts'), bundleFile, {
      sourcemap: 'embedded',
      minify: options.minify !== false,
      name: entry,
      contents: wrapper,
    });
    const registration = loadRegistration(bundleFile, entry);
    const templateBytes = pluginTemplate(registration, platform);
    const bundle = readFileSync(bundleFile);
    const codeCache =
      options.codeCache === false
        ? Buffer.alloc(0)
        : makeCodeCache(
            platform,
            work,
            templateBytes,
            registration,
            bundle,
            !hasDynamicImport(bundle.toString('utf8')),
          );
    const library = withSectionData(
      templateBytes,
      PAYLOAD_SECTION,
      encodePayload(registration, bundle, codeCache),
      path.basename(platform.template),
    );

    const artifact = path.resolve(options.output);
    mkdirSync(artifact, { recursive: true });
    const libraryName = `lib${registration.info.name}.so`;
    const libraryPath = path.join(artifact, libraryName);
    rmSync(libraryPath, { force: true }); // never write through a hard link into another artifact
    writeFileSync(libraryPath, library);
    chmodSync(libraryPath, 0o755);
    let artifactBytes = library.length;
    if (options.systemRuntime) {
      rmSync(path.join(artifact, platform.runtimeName), { recursive: true, force: true });
    } else {
      artifactBytes += placeRuntime(platform, artifact);
    }
    const tarball = options.tar
      ? writeTarball(
          artifact,
          `${registration.info.name}-${registration.info.version}-${platform.name}.tar.gz`,
          options.systemRuntime ? [libraryName] : [libraryName, platform.runtimeName],
        )
      : undefined;
    return {
      library: libraryPath,
      artifact,
      tarball,
      registration,
      bundleBytes: bundle.length,
      codeCacheBytes: codeCache.length,
      libraryBytes: library.length,
      artifactBytes,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** How long the run that makes the code cache may take (the bundle's top level runs in it). */
const CODE_CACHE_RUN_TIMEOUT_MS = 60_000;

/**
 * Makes the code cache of a library: runs a copy of it (without an init schema, so that the host calls
 * `plugin_init` with any config) in the native host with `FALCO_TS_CODE_CACHE_OUT` set. The embedded
 * runtime then bootstraps, loads the bundle, writes what it compiled and fails the init, so none of the
 * plugin's callbacks runs. The cache is made by the same runtime that will load it (the build's own Node
 * is another V8). Empty when the run did not write a cache: the library then works without one. Without
 * `cacheBundle` (a bundle with a dynamic `import()`, which Node 18 cannot run from a cached script), only
 * the builtins are cached.
 */
function makeCodeCache(
  platform: Platform,
  work: string,
  templateBytes: Buffer,
  registration: PluginRegistration,
  bundle: Buffer,
  cacheBundle: boolean,
): Buffer {
  const dir = path.join(work, 'code-cache');
  mkdirSync(dir, { recursive: true });
  const library = path.join(dir, `lib${registration.info.name}.so`);
  const output = path.join(dir, 'code-cache.bin');
  writeFileSync(
    library,
    withSectionData(
      templateBytes,
      PAYLOAD_SECTION,
      encodePayload({ ...registration, initSchemaJson: '' }, bundle),
      'template',
    ),
  );
  symlinkSync(platform.runtimeDir, path.join(dir, platform.runtimeName));
  const env: NodeJS.ProcessEnv = { ...process.env, FALCO_TS_CODE_CACHE_OUT: output };
  delete env.FALCO_TS_STARTUP_STATS;
  if (cacheBundle) delete env.FALCO_TS_CODE_CACHE_NO_BUNDLE;
  else env.FALCO_TS_CODE_CACHE_NO_BUNDLE = '1';
  spawnSync(platform.host, ['run', library], {
    env,
    stdio: 'ignore',
    timeout: CODE_CACHE_RUN_TIMEOUT_MS,
  });
  return existsSync(output) ? readFileSync(output) : Buffer.alloc(0);
}

function loadRegistration(bundleFile: string, entry: string): PluginRegistration {
  let loaded: NativeExports;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(bundleFile) as NativeExports;
  } catch (err) {
    throw new Error(`loading ${entry} failed: ${(err as Error).message}`);
  } finally {
    delete require.cache[bundleFile];
  }
  return loaded.registration;
}
