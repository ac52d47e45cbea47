/**
 * examples/jsonl (a JSON-lines file source) and examples/json (an extractor-only plugin) through the native
 * host: the lines of a file as events, both plugins' fields on them, the file's progress in bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTsPlugin, jsonLines, repoRoot, runHost } from './build-native';

let jsonl = '';
let json = '';
let dir = '';

beforeAll(async () => {
  jsonl = await buildTsPlugin(path.join(repoRoot, 'examples/jsonl/jsonl.ts'), 'jsonl');
  json = await buildTsPlugin(path.join(repoRoot, 'examples/json/json.ts'), 'json');
  dir = mkdtempSync(path.join(tmpdir(), 'json-examples-'));
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the JSON examples in the native host', () => {
  jest.setTimeout(120_000);

  test('each line is an event; jsonl and json extract from it; progress goes to 100%', () => {
    const file = path.join(dir, 'events.jsonl');
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({ user: { name: `u${i}` }, action: i % 2 ? 'read' : 'write' }),
    );
    writeFileSync(file, `${lines.join('\n')}\nnot json\n`);
    const r = runHost([
      'run',
      jsonl,
      '--open',
      file,
      '--extractor',
      json,
      '--fields',
      'jsonl.value[/user/name],jsonl.valid,json.value[/action],json.keys',
      '--json',
      '--progress',
    ]);
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(501);
    expect(rows[0]).toMatchObject({
      'jsonl.value[/user/name]': 'u0',
      'jsonl.valid': true,
      'json.value[/action]': 'write',
      'json.keys': ['user', 'action'],
    });
    expect(rows[499]['jsonl.value[/user/name]']).toBe('u499');
    expect(rows[500]).toMatchObject({
      'jsonl.valid': false,
      'json.value[/action]': null,
      'evt.plugininfo': 'not json',
    });
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('progress: '));
    expect(progress[progress.length - 1]).toMatch(/^progress: 100\.00% (\d+) of \1 bytes$/);
  });

  test('a missing file fails open with its name', () => {
    const missing = path.join(dir, 'missing.jsonl');
    const r = runHost(['run', jsonl, '--open', missing, '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot read ${missing}: ENOENT`);
  });
});
