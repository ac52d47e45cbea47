/* The `falco-plugin` command line: dispatch to the commands, top-level help, exit statuses. */
import { commandHelp, parseArgs, UsageError, type ParsedArgs } from './args';
import { COMMANDS, type CliOutput } from './commands';
import { runNativeHost } from './run-command';

export type { CliOutput } from './commands';

/** Commands run by the native host, which parses (and documents, with --help) their options itself. */
const HOST_COMMANDS: Readonly<Record<string, string>> = {
  run: 'run <lib.so> [host options]\n      Loads any plugin library in the native test host, the way libsinsp does, and prints its events.',
  info: "info <lib.so>\n      Prints a library's static information (name, version, capabilities, fields, schema) as JSON.",
};

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

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `run` and `info`: the native host parses their options; `run --help` is the host's help. */
function runHostCommand(name: string, rest: readonly string[], out: CliOutput): Promise<number> {
  const help = rest.includes('--help') || rest.includes('-h');
  if (name === 'info') {
    if (help) {
      out.stdout(`usage: falco-plugin ${HOST_COMMANDS.info}\n`);
      return Promise.resolve(0);
    }
    return runNativeHost(['info', ...rest]);
  }
  return runNativeHost(help ? ['--help'] : rest);
}

/**
 * Runs the CLI with the given arguments (without `node` and the script).
 *
 * @returns the exit status: 0 success, 1 failure, 2 usage error.
 */
export async function main(argv: readonly string[], out: CliOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    out.stderr(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    out.stdout(usage());
    return 0;
  }
  if (Object.hasOwn(HOST_COMMANDS, name)) return runHostCommand(name, rest, out);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    out.stderr(`falco-plugin: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    const args: ParsedArgs = parseArgs(rest, command);
    if (args.help) {
      out.stdout(commandHelp(command));
      return 0;
    }
    return await command.run(args, out);
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr(`${err.message}\n`);
      return 2;
    }
    out.stderr(`falco-plugin: ${message(err)}\n`);
    return 1;
  }
}
