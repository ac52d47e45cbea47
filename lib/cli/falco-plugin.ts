#!/usr/bin/env node
/* The `falco-plugin` command line. */
import { option, parseArgs } from './args';
import { buildPlugin } from './build-command';
import { runInHarness } from './harness-command';
import { runNativeHost } from './run-command';

const USAGE = `usage: falco-plugin <command> [options]

commands:
  build <entry.ts> -o <lib.so>
      Bundles the plugin and its npm dependencies and links one shared library that Falco loads.
  run <lib.so> [host options]
      Loads any plugin library in the native test host, the way libsinsp does, and prints its events
      (see \`falco-plugin run --help\`).
  info <lib.so>
      Prints a plugin library's static information (name, version, capabilities, fields, init schema)
      as JSON, read the way libsinsp reads it, without initializing the plugin.
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
  if (command === 'build') {
    const args = parseArgs(rest, new Set(['tar', 'system-runtime', 'no-typecheck']));
    const [entry] = args.positional;
    const output = option(args, 'o', option(args, 'output', 'out'));
    if (!entry)
      throw new Error(
        'usage: falco-plugin build <entry.ts> [-o <dir>] [--tar] [--system-runtime] [--no-typecheck]',
      );
    const result = await buildPlugin(entry, {
      output,
      tar: args.options.has('tar'),
      systemRuntime: args.options.has('system-runtime'),
      typecheck: !args.options.has('no-typecheck'),
    });
    const { info, capabilities } = result.registration;
    const caps = [
      capabilities.sourcing && 'event sourcing',
      capabilities.extraction && 'field extraction',
    ].filter(Boolean);
    process.stdout.write(
      `built ${result.library}: plugin ${info.name} ${info.version} (${caps.join(', ')}), ` +
        `library ${Math.round(result.libraryBytes / 1024)} KiB, artifact ${(result.artifactBytes / 1048576).toFixed(1)} MiB` +
        (result.tarball ? `, tarball ${result.tarball}` : '') +
        '\n',
    );
    return 0;
  }
  if (command === 'run') {
    return runNativeHost(rest);
  }
  if (command === 'info') {
    return runNativeHost(['info', ...rest]);
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
      {
        config: option(args, 'config', ''),
        open: option(args, 'open', ''),
        fields,
        maxEvents,
        json: args.options.has('json'),
      },
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
