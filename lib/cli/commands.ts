/* The commands of `falco-plugin` that parse their own options: what they take and what they do. */
import path from 'node:path';
import { option, optionalOption, positionalArg, type CommandSpec, type ParsedArgs } from './args';
import { buildPlugin, type BuildResult } from './build-command';
import { runInHarness } from './harness-command';
import { initProject } from './init-command';

/** Where the CLI writes. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A command: its options (for parsing and `--help`) and what it does. */
export interface Command extends CommandSpec {
  /** @returns the exit status. */
  run(args: ParsedArgs, out: CliOutput): Promise<number>;
}

/** A path as the user would type it: relative to the working folder when below it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** The line `falco-plugin build` prints for what it built. */
export function buildSummary(result: BuildResult): string {
  const { info, capabilities } = result.registration;
  const caps = [
    capabilities.sourcing && 'event sourcing',
    capabilities.extraction && 'field extraction',
    capabilities.parsing && 'event parsing',
    capabilities.listening && 'capture listening',
    capabilities.async && 'async events',
  ];
  return (
    `built ${shown(result.artifact)}: plugin ${info.name} ${info.version} (${caps.filter(Boolean).join(', ')}), ` +
    `library ${Math.round(result.libraryBytes / 1024)} KiB, artifact ${(result.artifactBytes / 1048576).toFixed(1)} MiB` +
    (result.tarball ? `, tarball ${shown(result.tarball)}` : '') +
    '\n'
  );
}

const build: Command = {
  name: 'build',
  positional: '<entry.ts>',
  summary:
    'Type-checks the plugin, bundles it with its npm dependencies and writes the artifact Falco loads:\n' +
    '<dir>/lib<name>.so and, beside it, the runtime it carries (<dir>/falco-ts-runtime/).',
  options: [
    { name: 'output', short: 'o', value: 'dir', help: 'The artifact folder (default: out).' },
    { name: 'tar', help: 'Also write <name>-<version>-<platform>.tar.gz of the artifact into it.' },
    { name: 'system-runtime', help: "Only the library, using the host's libnode108 (Debian 12)." },
    { name: 'no-typecheck', help: 'Bundle without type-checking first.' },
    { name: 'no-minify', help: 'Keep the bundle unminified (stack traces name the sources either way).' },
  ],
  async run(args, out) {
    const entry = positionalArg(args, this, 'the plugin entry file');
    const result = await buildPlugin(entry, {
      output: option(args, 'output', 'out'),
      tar: args.options.has('tar'),
      systemRuntime: args.options.has('system-runtime'),
      typecheck: !args.options.has('no-typecheck'),
      minify: !args.options.has('no-minify'),
    });
    out.stdout(buildSummary(result));
    return 0;
  },
};

const harness: Command = {
  name: 'harness',
  positional: '<entry.ts>',
  summary: 'Runs a plugin in the in-process harness, the way libsinsp drives it, and prints each event.',
  options: [
    { name: 'config', value: 'json', help: 'The init config (default: empty, i.e. {}).' },
    { name: 'open', value: 'json', help: 'The open params.' },
    { name: 'fields', value: 'list', help: 'Fields to extract per event: name,name[arg],...' },
    { name: 'max-events', value: 'n', help: 'Stop after n events.' },
    { name: 'json', help: 'One JSON object per event.' },
    {
      name: 'extractor',
      value: 'entry.ts',
      help: "Also load this plugin (an extractor or parser of the source's events), after the source; repeatable.",
    },
    {
      name: 'extractor-config',
      value: 'json',
      help: 'The init config of each --extractor, in order (default: empty).',
    },
  ],
  async run(args, out) {
    const entry = positionalArg(args, this, 'the plugin entry file');
    const extractorConfigs = args.options.get('extractor-config') ?? [];
    const extractorEntries = args.options.get('extractor') ?? [];
    if (extractorConfigs.length > extractorEntries.length)
      throw new Error('--extractor-config is given more times than --extractor');
    const extractors = extractorEntries.map((e, i) => ({ entry: e, config: extractorConfigs[i] ?? '' }));
    const max = optionalOption(args, 'max-events');
    const maxEvents = max === undefined ? undefined : Number(max);
    if (maxEvents !== undefined && (max === '' || !Number.isInteger(maxEvents) || maxEvents < 0)) {
      throw new Error('--max-events takes a non-negative integer');
    }
    const fields = option(args, 'fields', '')
      .split(/,(?![^[]*\])/)
      .map((f) => f.trim())
      .filter((f) => f !== '');
    await runInHarness(
      entry,
      {
        config: option(args, 'config', ''),
        open: option(args, 'open', ''),
        fields,
        maxEvents,
        json: args.options.has('json'),
        extractors,
      },
      (line) => out.stdout(line + '\n'),
    );
    return 0;
  },
};

const init: Command = {
  name: 'init',
  positional: '<dir>',
  summary:
    'Scaffolds a plugin project: package.json, tsconfig, a source + extraction plugin, its jest test,\n' +
    'a rules file and a falco.yaml snippet; `npm run build` in it writes the artifact.',
  options: [
    {
      name: 'name',
      value: 'plugin-name',
      help: 'The plugin name: a-z, 0-9, _ (default: from the folder name).',
    },
    { name: 'sdk', value: 'spec', help: 'The falco-plugin-sdk dependency (default: ^<this version>).' },
  ],
  async run(args, out) {
    const dir = positionalArg(args, this, 'the folder to create');
    const created = initProject(dir, {
      name: optionalOption(args, 'name'),
      sdk: optionalOption(args, 'sdk'),
    });
    out.stdout(
      `created plugin ${created.pluginName} in ${dir}: ${created.files.join(', ')}\n` +
        `next: cd ${dir} && npm install && npm test && npm run build\n`,
    );
    return 0;
  },
};

/** The commands that parse their own options. */
export const COMMANDS: readonly Command[] = [build, harness, init];
