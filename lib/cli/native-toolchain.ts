import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sdkRoot } from './bundle';

/** How to compile and link a plugin library, written by the native CMake build (`plugin-link.json`). */
export interface NativeToolchain {
  /** The C++ compiler. */
  readonly cxx: string;
  /** Include directories for the generated metadata source. */
  readonly includes: readonly string[];
  /** Static archives of the plugin layer, linked whole: one common, one per capability. */
  readonly archives: { readonly common: string; readonly sourcing: string; readonly extraction: string };
  /** Everything else to link (the runtime archive, libnode, libuv, ...), in order. */
  readonly link: readonly string[];
  /** The native test host. */
  readonly host: string;
}

/** Where `npm run setup` builds the native layer. */
export function nativeBuildDir(): string {
  return process.env.FALCO_PLUGIN_NATIVE_BUILD ?? path.join(sdkRoot, 'build', 'native');
}

/**
 * Reads the toolchain description of the native build.
 *
 * @throws Error telling how to build the native layer when it is missing.
 */
export function loadNativeToolchain(): NativeToolchain {
  const file = path.join(nativeBuildDir(), 'plugin-link.json');
  if (!existsSync(file)) {
    throw new Error(`the native layer is not built (${file} is missing): run \`npm run setup\` in the SDK`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as NativeToolchain;
}
