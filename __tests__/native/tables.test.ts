/**
 * State tables through the native host, as libsinsp drives them: TypeScript plugins import the host's
 * `threads` table (seeded with --threads) with a sub-table and a field of their own, export a table, and a
 * second plugin imports that one; what the host refuses comes back as the plugin's error.
 */
import path from 'node:path';
import { buildTsPlugin, dummySourceArgs, jsonLines, repoRoot, runHost } from './build-native';

let counter = '';
let peer = '';
let tables = '';

beforeAll(async () => {
  counter = await buildTsPlugin(path.join(repoRoot, 'examples/stateful/counter.ts'), 'stateful-counter');
  peer = await buildTsPlugin(path.join(repoRoot, 'examples/stateful/peer.ts'), 'stateful-peer');
  tables = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/tables.ts'), 'tables');
}, 600_000);

const THREADS = JSON.stringify([
  { tid: 1, pid: 1, comm: 'init', exe: '/sbin/init', fds: [{ fd: 0, name: '/dev/null' }] },
  {
    tid: 2,
    pid: 2,
    comm: 'bash',
    fds: [
      { fd: 3, name: '/etc/passwd' },
      { fd: 4, name: '/tmp/x' },
    ],
  },
]);

/** The JSON of `table <name>: {...}` on stderr. */
function dumped(
  stderr: string,
  name: string,
): { size: number; entries: { key: unknown; fields: Record<string, unknown> }[] } {
  const line = stderr.split('\n').find((l) => l.startsWith(`table ${name}: `));
  if (line === undefined) throw new Error(`no dump of table ${name} in:\n${stderr}`);
  return JSON.parse(line.slice(`table ${name}: `.length)) as ReturnType<typeof dumped>;
}

const runTables = (config: string, fields: string, events = 3, extra: string[] = []) =>
  runHost([
    ...dummySourceArgs(events),
    '--threads',
    THREADS,
    '--extractor',
    tables,
    '--extractor-config',
    config,
    '--fields',
    fields,
    '--json',
    ...extra,
  ]);

describe('state tables in the native host', () => {
  jest.setTimeout(120_000);

  test('a plugin reads threads and their file descriptors, and counts in a field it added', () => {
    const r = runTables('{}', 'tables.comm,tables.events,tables.fds,tables.threads', 3, [
      '--dump-table',
      'threads',
      '--stats',
    ]);
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout).map((e) => [e['tables.comm'], e['tables.events'], e['tables.fds']])).toEqual([
      ['init', 1, ['/dev/null']],
      ['bash', 1, ['/etc/passwd', '/tmp/x']],
      [null, null, null],
    ]);
    expect(jsonLines(r.stdout).every((e) => e['tables.threads'] === 2)).toBe(true);
    const threads = dumped(r.stderr, 'threads');
    expect(threads.entries.map((e) => [e.key, e.fields.comm, e.fields.events])).toEqual([
      [1, 'init', 1],
      [2, 'bash', 1],
    ]);
    const stats = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{')) ?? '{}') as Record<
      string,
      number
    >;
    expect(stats.table_entries_leaked).toBe(0);
  });

  test('the stateful example: a counter exports its table, a peer reads it and writes the field it added', () => {
    const r = runHost([
      ...dummySourceArgs(6),
      '--extractor',
      counter,
      '--extractor-config',
      '{"buckets":2}',
      '--extractor',
      peer,
      '--fields',
      'counter.key,counter.count,counter.keys,peer.count[1],peer.total,peer.seen',
      '--json',
      '--dump-table',
      'counts',
    ]);
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout).map((e) => [
      e['counter.key'],
      e['counter.count'],
      e['counter.keys'],
      e['peer.count[1]'],
      e['peer.total'],
      e['peer.seen'],
    ]);
    expect(rows).toEqual([
      ['1', 1, 1, 1, 1, 1],
      ['0', 1, 2, 1, 2, 2],
      ['1', 2, 2, 2, 3, 3],
      ['0', 2, 2, 2, 4, 4],
      ['1', 3, 2, 3, 5, 5],
      ['0', 3, 2, 3, 6, 6],
    ]);
    const counts = dumped(r.stderr, 'counts');
    expect(counts.size).toBe(2);
    expect(counts.entries.map((e) => e.fields).sort((a, b) => Number(a.first) - Number(b.first))).toEqual([
      { count: 3, first: 1, peer_seen: 3 },
      { count: 3, first: 2, peer_seen: 3 },
    ]);
  });

  test.each([
    [
      'a missing table',
      { table: 'nope', key: 'int64', field: 'x', type: 'string' },
      "cannot import table 'nope': no table named 'nope' (tables: threads)",
    ],
    [
      'a wrong key type',
      { table: 'threads', key: 'string', field: 'comm', type: 'string' },
      "cannot import table 'threads': table 'threads' has key type int64, not string",
    ],
    [
      'an undefined field',
      { table: 'threads', key: 'int64', field: 'nofield', type: 'string' },
      "cannot get field 'nofield' of table 'threads': table 'threads' has no field 'nofield'",
    ],
    [
      'a field of another type',
      { table: 'threads', key: 'int64', field: 'comm', type: 'uint64' },
      "cannot get field 'comm' of table 'threads': field 'comm' of table 'threads' has type string, not uint64",
    ],
  ])('init fails for %s, with the host message', (_what, importing, text) => {
    const r = runTables(JSON.stringify({ import: importing }), 'tables.comm');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`could not initialize plugin tables: ${text}\n`);
  });

  test.each([
    ['of the host', 'threads', "cannot write field 'cwd' of table 'threads': the field is read-only"],
    ['of another plugin', 'counts', "cannot write field 'first' of table 'counts': the field is read-only"],
  ])('writing a read-only field of a table %s fails that parse_event, with the message', (_, table, text) => {
    const r = runHost([
      ...dummySourceArgs(2),
      '--threads',
      THREADS,
      '--extractor',
      counter,
      '--extractor-config',
      '{"buckets":2}',
      '--extractor',
      tables,
      '--extractor-config',
      JSON.stringify({ writeReadOnly: table }),
      '--fields',
      'counter.count',
      '--json',
      '--dump-table',
      'counts',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(text);
    // the value is the owner's: 1 and 2, the numbers of the first events of keys "1" and "0"
    expect(
      dumped(r.stderr, 'counts')
        .entries.map((e) => e.fields.first)
        .sort(),
    ).toEqual([1, 2]);
  });

  test('writing during extraction and an entry kept past its call fail that call, with the message', () => {
    const write = runTables('{}', 'tables.write', 1);
    expect(write.status).toBe(1);
    expect(write.stderr).toContain(
      "cannot write table 'threads' during extract_fields: tables are written during init, parse_event, capture_open and capture_close",
    );
    const kept = runTables('{}', 'tables.kept', 1);
    expect(kept.status).toBe(1);
    expect(kept.stderr).toContain('table entry used after the call that obtained it returned');
  });
});
