import {
  commandHelp,
  option,
  optionalOption,
  parseArgs,
  positionalArg,
  UsageError,
} from '../../lib/cli/args';
import type { CommandSpec } from '../../lib/cli/args';

const spec: CommandSpec = {
  name: 'demo',
  positional: '<file>',
  summary: 'A demo command.',
  options: [
    { name: 'output', short: 'o', value: 'dir', help: 'Where.' },
    { name: 'tar', help: 'A flag.' },
    { name: 'config', value: 'json', help: 'A value.' },
  ],
};

function usageError(argv: string[]): string {
  try {
    parseArgs(argv, spec);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`parsed ${argv.join(' ')}`);
}

describe('the command-line parser', () => {
  it('takes long, short and --name=value options, flags and positionals in any order', () => {
    const args = parseArgs(['--tar', 'a.ts', '-o', 'x', '--config={"a":1}', '--output=y'], spec);
    expect(args.positional).toEqual(['a.ts']);
    expect(args.options.get('output')).toEqual(['x', 'y']);
    expect(option(args, 'output', 'out')).toBe('y');
    expect(option(args, 'config', '')).toBe('{"a":1}');
    expect(args.options.has('tar')).toBe(true);
    expect(optionalOption(args, 'missing')).toBeUndefined();
    expect(option(args, 'missing', 'fallback')).toBe('fallback');
    expect(args.help).toBe(false);
  });

  it('keeps values that start with a single dash and what follows --', () => {
    const args = parseArgs(['--config', '-1', '--', '--tar', '-x'], spec);
    expect(option(args, 'config', '')).toBe('-1');
    expect(args.positional).toEqual(['--tar', '-x']);
    expect(args.options.has('tar')).toBe(false);
  });

  it('recognises --help and -h anywhere', () => {
    expect(parseArgs(['a.ts', '--help'], spec).help).toBe(true);
    expect(parseArgs(['-h'], spec).help).toBe(true);
  });

  it('refuses unknown options, long or short', () => {
    expect(usageError(['--bogus'])).toBe(
      'falco-plugin demo: unknown option --bogus (see falco-plugin demo --help)',
    );
    expect(usageError(['--bogus=1'])).toBe(
      'falco-plugin demo: unknown option --bogus (see falco-plugin demo --help)',
    );
    expect(usageError(['-x'])).toBe('falco-plugin demo: unknown option -x (see falco-plugin demo --help)');
    expect(usageError(['--o'])).toContain('unknown option --o');
  });

  it('says which option misses its value, and refuses a value for a flag', () => {
    expect(usageError(['--config'])).toBe('option --config needs a value');
    expect(usageError(['-o'])).toBe('option --output needs a value');
    expect(usageError(['--output', '--tar'])).toBe('option --output needs a value');
    expect(usageError(['--tar=yes'])).toBe('option --tar takes no value');
    expect(usageError(['--help=1'])).toBe('option --help takes no value');
  });

  it('names a missing positional and refuses an extra one', () => {
    expect(() => positionalArg(parseArgs([], spec), spec, 'the file')).toThrow(
      new UsageError('falco-plugin demo needs the file <file> (see falco-plugin demo --help)'),
    );
    expect(() => positionalArg(parseArgs(['a', 'b'], spec), spec, 'the file')).toThrow(
      'falco-plugin demo: unexpected argument b (it takes one <file>)',
    );
    expect(positionalArg(parseArgs(['a'], spec), spec, 'the file')).toBe('a');
  });

  it('lists every option with its alias, value and help line', () => {
    expect(commandHelp(spec).split('\n')).toEqual([
      'usage: falco-plugin demo <file> [options]',
      '',
      'A demo command.',
      '',
      'options:',
      `  ${'-o, --output <dir>'.padEnd(30)} Where.`,
      `  ${'    --tar'.padEnd(30)} A flag.`,
      `  ${'    --config <json>'.padEnd(30)} A value.`,
      `  ${'-h, --help'.padEnd(30)} Prints this help.`,
      '',
    ]);
  });
});
