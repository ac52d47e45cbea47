/**
 * Event parsing through the native host, as libsinsp drives it: the TypeScript parser is loaded beside a
 * source plugin (the C dummy) and parse_event runs for each compatible event before its fields are
 * extracted.
 */
import path from 'node:path';
import { buildTsPlugin, dummySourceArgs, jsonLines, runHost } from './build-native';

let parser = '';
let parsingSource = '';

beforeAll(async () => {
  parser = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/parser.ts'), 'parser');
  parsingSource = await buildTsPlugin(
    path.join(__dirname, 'fixtures/ts/parsing-source.ts'),
    'parsing-source',
  );
}, 600_000);

const run = (events: number, config = '{}', fields = 'parser.seen,parser.parsed,parser.source') =>
  runHost([
    ...dummySourceArgs(events),
    '--extractor',
    parser,
    '--extractor-config',
    config,
    '--fields',
    fields,
    '--json',
  ]);

describe('event parsing in the native host', () => {
  jest.setTimeout(120_000);

  test('the library exports the parsing symbols and what the plugin declares', () => {
    const r = runHost(['info', parser]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info.capabilities).toEqual(['extraction', 'parsing']);
    expect(info.parseEventSources).toEqual(['dummy']);
  });

  test('each event is parsed once, before its fields are extracted, with its source', () => {
    const r = run(6);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows.map((e) => e['parser.seen'])).toEqual([1, 1, 2, 2, 3, 3]);
    expect(rows.map((e) => e['parser.parsed'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.every((e) => e['parser.source'] === 'dummy')).toBe(true);
  });

  test('a throw in parseEvent fails that event only, with its message; the capture goes on', () => {
    const r = run(5, '{"failOn":3}', 'parser.parsed');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'parse_event failed on event 3 (plugin parser): cannot parse event 3: sample 3 is refused',
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(jsonLines(r.stdout).map((e) => e['parser.parsed'])).toEqual([1, 2, 2, 3, 4]);
  });

  test('a source parses its own events, and its fields read what parsing left (nothing is computed ahead)', () => {
    const r = runHost(['run', parsingSource, '--open', '1000', '--fields', 'ps.parsed', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const values = jsonLines(r.stdout).map((e) => e['ps.parsed']);
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  test('many events: the counts stay exact', () => {
    const r = run(20_000, '{}', 'parser.parsed');
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]['parser.parsed']).toBe(20_000);
  });
});
