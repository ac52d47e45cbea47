/** One option of a command. */
export interface OptionSpec {
  readonly name: string;
  /** One-letter alias, e.g. `o` for `-o`. */
  readonly short?: string;
  /** The value's placeholder in the help text; absent for a flag. */
  readonly value?: string;
  readonly help: string;
}

/** A command of the `falco-plugin` CLI: what it takes, for parsing and for `--help`. */
export interface CommandSpec {
  readonly name: string;
  /** e.g. `<entry.ts>`: the command takes exactly one positional argument. */
  readonly positional: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
}

/** A parsed command line: positional arguments and options by name (repeatable). */
export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string[]>;
  /** `--help` or `-h` was given. */
  readonly help: boolean;
}

/** A command line the command cannot take (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'Prints this help.' };

/** The usage text of a command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [
    `usage: falco-plugin ${spec.name} ${spec.positional} [options]`,
    '',
    spec.summary,
    '',
    'options:',
  ];
  for (const o of [...spec.options, HELP_OPTION]) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` <${o.value}>` : ''}`;
    lines.push(`  ${flag.padEnd(30)} ${o.help}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Parses `--name value`, `--name=value`, `-n value`, `-n=value` and flags against the command's options;
 * `--` ends the options. A value that starts with `--` must be given as `--name=value`.
 *
 * @throws UsageError for an unknown option, a flag given a value, or an option missing its value.
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  let help = false;
  const add = (name: string, value: string) => options.set(name, [...(options.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const given = arg.slice(long ? 2 : 1, eq < 0 ? undefined : eq);
    if (long ? given === HELP_OPTION.name : given === HELP_OPTION.short) {
      if (eq >= 0) throw new UsageError(`option --${HELP_OPTION.name} takes no value`);
      help = true;
      continue;
    }
    const option = spec.options.find((o) => (long ? o.name === given : o.short === given));
    if (!option) {
      throw new UsageError(
        `falco-plugin ${spec.name}: unknown option ${arg.slice(0, eq < 0 ? undefined : eq)} (see falco-plugin ${spec.name} --help)`,
      );
    }
    if (option.value === undefined) {
      if (eq >= 0) throw new UsageError(`option --${option.name} takes no value`);
      add(option.name, 'true');
    } else if (eq >= 0) {
      add(option.name, arg.slice(eq + 1));
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      add(option.name, argv[++i]);
    } else {
      throw new UsageError(`option --${option.name} needs a value`);
    }
  }
  return { positional, options, help };
}

/**
 * The command's one positional argument.
 *
 * @throws UsageError naming `what` when it is missing, or for an extra argument.
 */
export function positionalArg(args: ParsedArgs, spec: CommandSpec, what: string): string {
  const [value, extra] = args.positional;
  if (value === undefined || value === '') {
    throw new UsageError(
      `falco-plugin ${spec.name} needs ${what} ${spec.positional} (see falco-plugin ${spec.name} --help)`,
    );
  }
  if (extra !== undefined) {
    throw new UsageError(
      `falco-plugin ${spec.name}: unexpected argument ${extra} (it takes one ${spec.positional})`,
    );
  }
  return value;
}

/** The last value of an option, or `fallback`. */
export function option(args: ParsedArgs, name: string, fallback: string): string {
  const values = args.options.get(name);
  return values ? values[values.length - 1] : fallback;
}

/** The last value of an option, or `undefined` when it was not given. */
export function optionalOption(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  return values?.[values.length - 1];
}
