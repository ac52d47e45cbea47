import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sdkRoot } from './bundle';

/** The prebuilt native parts for one platform, as scripts/assemble-platform.mjs lays them out. */
export interface Platform {
  /** The platform folder. */
  readonly dir: string;
  /** e.g. `linux-x64-gnu`. */
  readonly name: string;
  /** The lowest glibc the artifact runs with. */
  readonly minGlibc: string;
  /** The Node version of the embedded runtime. */
  readonly node: string;
  /** The prebuilt plugin library, exporting every group of symbols. */
  readonly template: string;
  /** The `plugin_*` symbols of each export group (`sourcing`, `extraction`, `config`, …), see export-groups.ts. */
  readonly exportGroups: Readonly<Record<string, readonly string[]>>;
  /** The native test host. */
  readonly host: string;
  /** The runtime folder a self-contained artifact carries, and its folder name. */
  readonly runtimeDir: string;
  readonly runtimeName: string;
}

interface Manifest {
  platform: string;
  minGlibc: string;
  node: string;
  template: string;
  exportGroups: Record<string, string[]>;
  host: string;
  runtime: string;
}

/** The platform this process runs on, in the naming of the prebuilt folders. */
export function currentPlatformName(): string {
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
    ?.header?.glibcVersionRuntime;
  return `${process.platform}-${process.arch}${process.platform === 'linux' ? (glibc ? '-gnu' : '-musl') : ''}`;
}

/**
 * The prebuilt native parts shipped in the package (`platform/<name>/`).
 *
 * @throws Error naming the platform when the package has no prebuilt parts for it, or telling how to
 * build them in a checkout of the SDK.
 */
export function loadPlatform(name: string = currentPlatformName()): Platform {
  const dir = process.env.FALCO_PLUGIN_PLATFORM_DIR ?? path.join(sdkRoot, 'platform', name);
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    const checkout = existsSync(path.join(sdkRoot, 'native', 'CMakeLists.txt'));
    throw new Error(
      checkout
        ? `the native layer is not built (${manifestFile} is missing): run \`npm run setup\` in the SDK checkout`
        : `falco-plugin-sdk has no prebuilt native layer for ${name}: supported is linux-x64-gnu (x86-64 Linux with glibc)`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  return {
    dir,
    name: manifest.platform,
    minGlibc: manifest.minGlibc,
    node: manifest.node,
    template: path.join(dir, manifest.template),
    exportGroups: manifest.exportGroups,
    host: path.join(dir, manifest.host),
    runtimeDir: path.join(dir, manifest.runtime),
    runtimeName: manifest.runtime,
  };
}
