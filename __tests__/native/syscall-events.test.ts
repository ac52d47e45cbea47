/**
 * Syscall events through the native host: a source without an id replays execve events (written with the
 * event schema's encoder), an extractor reads them with its types, and malformed ones (a wrong parameter
 * count, an event cut short) fail that extraction with a clear message while the capture goes on.
 */
import path from 'node:path';
import { buildTsPlugin, jsonLines, repoRoot, runHost } from './build-native';

let replay = '';
let cmdline = '';
let faulty = '';
let counter = '';

beforeAll(async () => {
  replay = await buildTsPlugin(path.join(repoRoot, 'examples/syscall/replay.ts'), 'syscall-replay');
  cmdline = await buildTsPlugin(path.join(repoRoot, 'examples/syscall/cmdline.ts'), 'syscall-cmdline');
  faulty = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/syscall-faulty.ts'), 'syscall-faulty');
  counter = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/exec-counter.ts'), 'exec-counter');
}, 600_000);

const FIELDS = 'cmdline.exe,cmdline.argc,cmdline.len';
const row = (r: Record<string, unknown>) =>
  [r['evt.num'], r['cmdline.exe'], r['cmdline.argc'], r['cmdline.len'], r['evt.plugininfo']] as const;

describe('syscall events in the native host', () => {
  jest.setTimeout(120_000);

  test('the info says what libsinsp reads: the types the extractor takes and the schema version', () => {
    const r = runHost(['info', cmdline]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({ requiredEventSchemaVersion: '4.0.0', extractEventSources: ['syscall'] });
  });

  test('replayed execve events are extracted with their parameters', () => {
    const commands = [['/bin/ls', '-la'], ['/usr/bin/cat', '/etc/passwd', '/etc/group'], ['/bin/true']];
    const r = runHost([
      'run',
      replay,
      '--open',
      JSON.stringify(commands),
      '--extractor',
      cmdline,
      '--fields',
      FIELDS,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout).map(row)).toEqual([
      [1, '/bin/ls', 1, '/bin/ls -la'.length, null],
      [2, '/usr/bin/cat', 2, '/usr/bin/cat /etc/passwd /etc/group'.length, null],
      [3, '/bin/true', 0, '/bin/true'.length, null],
    ]);
  });

  test('a parser of syscall events is handed the types it declares, before the fields are extracted', () => {
    const commands = [['/bin/ls'], ['/bin/sh', '-c', 'ls'], ['/bin/ls', '/tmp']];
    const r = runHost([
      'run',
      replay,
      '--open',
      JSON.stringify(commands),
      '--extractor',
      counter,
      '--fields',
      'execcounter.started,execcounter.parsed',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout).map((e) => [e['execcounter.started'], e['execcounter.parsed']])).toEqual([
      [1, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  test('bad open params are refused with what they must be', () => {
    const r = runHost(['run', replay, '--open', '{"ls":1}', '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'open params must be a JSON array of command lines, each a non-empty array of strings',
    );
  });

  test('malformed events fail their extraction with the event type and the problem; the others are read', () => {
    const r = runHost(['run', faulty, '--extractor', cmdline, '--fields', 'cmdline.exe', '--json']);
    expect(r.status).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('event 2');
    expect(errors[0]).toContain('syscall event execve_x (type 293): nparams is 3, the schema has');
    expect(errors[1]).toContain('event 3');
    expect(errors[1]).toContain('syscall event execve_x (type 293)');
    const values = jsonLines(r.stdout).map((e) => [e['evt.num'], e['cmdline.exe']]);
    expect(values).toContainEqual([1, '/bin/ls']);
    expect(values).toContainEqual([4, '/usr/bin/id']);
  });
});
