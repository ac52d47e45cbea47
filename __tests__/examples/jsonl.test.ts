/** examples/jsonl and examples/json in the harness: a JSON-lines file source, and an extractor-only plugin on its events. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PluginHarness } from 'falco-plugin-sdk/testing';
import json from '../../examples/json/json';
import jsonl from '../../examples/jsonl/jsonl';

let dir = '';
let file = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jsonl-example-'));
  file = path.join(dir, 'audit.jsonl');
  writeFileSync(
    file,
    ['{"user":{"name":"alice"},"action":"login"}', 'not json', '', '{"user":{"name":"bob"},"n":[1,2]}'].join(
      '\n',
    ),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/jsonl and examples/json', () => {
  it('gives each line of the file as an event, with its fields', async () => {
    const state = await new PluginHarness(jsonl).init();
    const rows = await state.run({
      open: file,
      fields: ['jsonl.value[/user/name]', 'jsonl.valid', 'jsonl.value[/n]'],
    });
    expect(rows.map((r) => [r.plugininfo, ...Object.values(r.fields)])).toEqual([
      ['{"user":{"name":"alice"},"action":"login"}', 'alice', true, undefined],
      ['not json', undefined, false, undefined],
      ['{"user":{"name":"bob"},"n":[1,2]}', 'bob', true, '[1,2]'],
    ]);
    await state.destroy();
  });

  it('refuses to open without a path, and names a missing file', async () => {
    const state = await new PluginHarness(jsonl).init();
    await expect(state.open('')).rejects.toThrow('open params must be the path of a JSON-lines file');
    await expect(state.open(path.join(dir, 'missing.jsonl'))).rejects.toThrow(
      `cannot read ${path.join(dir, 'missing.jsonl')}: ENOENT`,
    );
    await state.destroy();
  });

  it('json extracts from the events of another plugin', async () => {
    const source = await new PluginHarness(jsonl).init();
    const extractor = await new PluginHarness(json).init();
    const capture = await source.open(file);
    const values: unknown[] = [];
    for await (const event of capture.events()) {
      values.push([
        extractor.extract(event, 'json.value[/user/name]'),
        extractor.extract(event, 'json.keys'),
      ]);
    }
    await capture.close();
    expect(values).toEqual([
      ['alice', ['user', 'action']],
      [undefined, undefined], // an empty list is no value
      ['bob', ['user', 'n']],
    ]);
    await source.destroy();
    await extractor.destroy();
  });
});
