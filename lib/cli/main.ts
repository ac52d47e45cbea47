/* The `falco-plugin` command line: its commands, their options and their help. */
import { commandHelp, option, parseArgs, type CommandSpec, type ParsedArgs } from './args';
import { buildPlugin } from './build-command';
import { runInHarness } from './harness-command';
import { initProject } from './init-command';
import { runNativeHost } from './run-command';

/** Where the CLI writes. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface Command extends CommandSpec {
  run(args: ParsedArgs, out: CliOutput): Promise<number>;
}

function required(args: ParsedArgs, spec: CommandSpec, what: string): string {
  const [value] = args.positional;
  if (!value)
    throw new Error(`falco-plugin ${spec.name} needs ${what} (see falco-plugin ${spec.name} --help)`);
  return value;
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
  ],
  async run(args, out) {
    const entry = required(args, this, 'the plugin entry file');
    const result = await buildPlugin(entry, {
      output: option(args, 'output', 'out'),
      tar: args.options.has('tar'),
      systemRuntime: args.options.has('system-runtime'),
      typecheck: !args.options.has('no-typecheck'),
    });
    const { info, capabilities } = result.registration;
    const caps = [capabilities.sourcing && 'event sourcing', capabilities.extraction && 'field extraction'];
    out.stdout(
      `built ${result.library}: plugin ${info.name} ${info.version} (${caps.filter(Boolean).join(', ')}), ` +
        `library ${Math.round(result.libraryBytes / 1024)} KiB, artifact ${(result.artifactBytes / 1048576).toFixed(1)} MiB` +
        (result.tarball ? `, tarball ${result.tarball}` : '') +
        '\n',
    );
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
  ],
  async run(args, out) {
    const entry = required(args, this, 'the plugin entry file');
    const maxEvents = args.options.has('max-events') ? Number(option(args, 'max-events', '')) : undefined;
    if (maxEvents !== undefined && (!Number.isInteger(maxEvents) || maxEvents < 0)) {
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
    { name: 'name', value: 'plugin-name', help: 'The plugin name (default: from the folder name).' },
    { name: 'sdk', value: 'spec', help: 'The falco-plugin-sdk dependency (default: ^<this version>).' },
  ],
  async run(args, out) {
    const dir = required(args, this, 'the folder to create');
    const created = initProject(dir, {
      name: args.options.has('name') ? option(args, 'name', '') : undefined,
      sdk: args.options.has('sdk') ? option(args, 'sdk', '') : undefined,
    });
    out.stdout(
      `created plugin ${created.pluginName} in ${dir}: ${created.files.join(', ')}\n` +
        `next: cd ${dir} && npm install && npm test && npm run build\n`,
    );
    return 0;
  },
};

/** Commands run by the native host, which parses (and documents, with --help) their options itself. */
const HOST_COMMANDS: Record<string, string> = {
  run: 'run <lib.so> [host options]\n      Loads any plugin library in the native test host, the way libsinsp does, and prints its events.',
  info: "info <lib.so>\n      Prints a library's static information (name, version, capabilities, fields, schema) as JSON.",
};

const COMMANDS = [build, harness, init];

function usage(): string {
  const own = COMMANDS.map(
    (c) => `  ${c.name} ${c.positional}\n      ${c.summary.split('\n').join('\n      ')}`,
  );
  const host = Object.values(HOST_COMMANDS).map((h) => `  ${h}`);
  return (
    'usage: falco-plugin <command> [options]   (falco-plugin <command> --help for its options)\n\ncommands:\n' +
    [...own, ...host].join('\n') +
    '\n'
  );
}

/**
 * Runs the CLI with the given arguments (without `node` and the script).
 *
 * @returns the exit status: 0 success, 1 failure, 2 usage error.
 */
export async function main(argv: readonly string[], out: CliOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  if (name in HOST_COMMANDS) {
    if (name === 'info' && (rest.includes('--help') || rest.includes('-h'))) {
      out.stdout(`usage: falco-plugin ${HOST_COMMANDS.info}\n`);
      return 0;
    }
    if (rest[0] === '-h') rest[0] = '--help';
    return runNativeHost(name === 'info' ? ['info', ...rest] : rest);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    out.stderr(`falco-plugin: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  let args: ParsedArgs;
  try {
    args = parseArgs(rest, command);
  } catch (err) {
    out.stderr(`${(err as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    out.stdout(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(args, out);
  } catch (err) {
    out.stderr(`falco-plugin: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
