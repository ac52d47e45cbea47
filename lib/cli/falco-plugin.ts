#!/usr/bin/env node
/* The `falco-plugin` command line. */
import { option, parseArgs } from './args';
import { runInHarness } from './harness-command';

const USAGE = `usage: falco-plugin <command> [options]

commands:
  harness <entry.ts> [--config <json>] [--open <json>] [--fields <name,name[arg],...>]
          [--max-events <n>] [--json]
      Runs a plugin in the in-process harness, the way libsinsp drives it, and prints each event.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'harness') {
    const args = parseArgs(rest, new Set(['json']));
    const [entry] = args.positional;
    if (!entry) throw new Error('harness needs the plugin entry file');
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
      { config: option(args, 'config', ''), open: option(args, 'open', ''), fields, maxEvents, json: args.options.has('json') },
      (line) => process.stdout.write(line + '\n'),
    );
    return 0;
  }
  process.stderr.write(`unknown command "${command}"\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`falco-plugin: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
