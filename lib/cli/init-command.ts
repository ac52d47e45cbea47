import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sdkRoot } from './bundle';
import { falcoYaml, readme, rules } from './scaffold/falco-files';
import { pluginSource, pluginTest } from './scaffold/plugin-files';
import { gitignore, jestConfig, packageJson, tsconfig } from './scaffold/project-files';

/** Options of `falco-plugin init`. */
export interface InitOptions {
  /** The plugin name (lowercase letters, digits, `_`); default: from the folder name. */
  readonly name?: string;
  /** The `falco-plugin-sdk` dependency spec; default `^<this SDK's version>`. */
  readonly sdk?: string;
}

/** What `falco-plugin init` created. */
export interface InitResult {
  readonly pluginName: string;
  /** The files written, relative to the project folder. */
  readonly files: readonly string[];
}

const PLUGIN_NAME = /^[a-z][a-z0-9_]*$/;

function pluginName(dir: string, given: string | undefined): string {
  if (given !== undefined) {
    if (!PLUGIN_NAME.test(given)) {
      throw new Error(
        `invalid plugin name "${given}": use lowercase letters, digits and _, starting with a letter`,
      );
    }
    return given;
  }
  const derived = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!PLUGIN_NAME.test(derived)) {
    throw new Error(`cannot derive a plugin name from the folder ${dir}: give one with --name`);
  }
  return derived;
}

function sdkVersion(): string {
  return (JSON.parse(readFileSync(path.join(sdkRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * `falco-plugin init <dir>`: scaffolds a plugin project (package.json, tsconfig, jest config, a source +
 * extraction plugin with its test, rules, falco.yaml snippet, README).
 *
 * @throws Error for a folder that exists and is not empty, or an invalid plugin name.
 */
export function initProject(dir: string, options: InitOptions = {}): InitResult {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} exists and is not empty: falco-plugin init needs a new or empty folder`);
  }
  const name = pluginName(dir, options.name);
  const project =
    path
      .basename(path.resolve(dir))
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-') || name;
  const files: Record<string, string> = {
    'package.json': packageJson(project, options.sdk ?? `^${sdkVersion()}`),
    'tsconfig.json': tsconfig(),
    'jest.config.js': jestConfig(),
    '.gitignore': gitignore(),
    'src/plugin.ts': pluginSource(name),
    'test/plugin.test.ts': pluginTest(name),
    [`rules/${name}_rules.yaml`]: rules(name),
    'falco.yaml': falcoYaml(name),
    'README.md': readme(name),
  };
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { pluginName: name, files: Object.keys(files) };
}
