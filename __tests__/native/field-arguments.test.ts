/**
 * Field arguments checked once, through the native host (the values computed ahead of the host's calls
 * included): a mistyped JSON pointer fails one extraction with the reason, then has no value; good pointers
 * keep their values on every event.
 */
import path from 'node:path';
import { buildTsPlugin, jsonLines, runHost } from './build-native';

let library = '';

beforeAll(async () => {
  library = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/json-lines.ts'), 'json-lines');
}, 600_000);

describe('field arguments in the native host', () => {
  jest.setTimeout(120_000);

  test('a bad pointer is reported once over 300 events; the good ones have their values', () => {
    const r = runHost([
      'run',
      library,
      '--open',
      '300',
      '--fields',
      'jl.value[/a],jl.value[a],jl.value[/b/c],jl.value[/missing]',
      '--json',
    ]);
    expect(r.status).toBe(1);
    // the host keeps asking the same fields: they are computed ahead, the bad pointer among them
    expect(r.stderr).toContain("fields computed ahead of the host's calls");
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      'error: extract_fields failed for field \'jl.value[a]\' on event 1 (plugin jsonlines): cannot extract jl.value[a] from event 1: invalid argument: "a" is not a JSON pointer: it must start with "/", e.g. /user/name',
    ]);
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(300);
    expect(rows.map((e) => e['jl.value[/a]'])).toEqual(rows.map((_, i) => String(i + 1)));
    expect(rows.map((e) => e['jl.value[/b/c]'])).toEqual(rows.map((_, i) => `x${i + 1}`));
    expect(rows.every((e) => e['jl.value[a]'] === null && e['jl.value[/missing]'] === null)).toBe(true);
  });
});
