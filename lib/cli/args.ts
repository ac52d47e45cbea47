/** A parsed command line: positional arguments and `--name value` options (repeatable). */
export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string[]>;
}

/**
 * Parses `--name value`, `--name=value`, `-n value` and boolean `--flag` options.
 *
 * @param flags - options that take no value.
 * @throws Error for an option missing its value.
 */
export function parseArgs(argv: readonly string[], flags: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const add = (name: string, value: string) => options.set(name, [...(options.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const dashes = arg.startsWith('--') ? 2 : 1;
    const eq = arg.indexOf('=');
    const name = arg.slice(dashes, eq < 0 ? undefined : eq);
    if (eq >= 0) add(name, arg.slice(eq + 1));
    else if (flags.has(name)) add(name, 'true');
    else if (i + 1 < argv.length) add(name, argv[++i]);
    else throw new Error(`option --${name} needs a value`);
  }
  return { positional, options };
}

/** The last value of an option, or `fallback`. */
export function option(args: ParsedArgs, name: string, fallback: string): string {
  const values = args.options.get(name);
  return values ? values[values.length - 1] : fallback;
}
