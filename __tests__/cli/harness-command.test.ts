import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInHarness } from '../../lib/cli/harness-command';

const dummy = path.resolve(__dirname, '../../examples/dummy/dummy.ts');
const scratch = mkdtempSync(path.join(tmpdir(), 'harness-cli-'));

async function run(
  entry: string,
  options: Partial<Parameters<typeof runInHarness>[1]> = {},
): Promise<string[]> {
  const lines: string[] = [];
  await runInHarness(entry, { config: '', open: '', fields: [], json: true, ...options }, (l) =>
    lines.push(l),
  );
  return lines;
}

describe('falco-plugin harness', () => {
  jest.setTimeout(30_000);

  it('bundles a TypeScript plugin and runs it like the host, one JSON line per event', async () => {
    const lines = await run(dummy, {
      config: '{"jitter":0}',
      open: '{"start":0,"maxEvents":3}',
      fields: ['dummy.value', 'dummy.divisible[3]'],
    });
    const rows = lines.map((l) => JSON.parse(l));
    expect(
      rows.map((r) => [r['evt.num'], r['dummy.value'], r['dummy.divisible[3]'], r['evt.plugininfo']]),
    ).toEqual([
      [1, 1, 0, '{"sample": "1"}'],
      [2, 2, 0, '{"sample": "2"}'],
      [3, 3, 1, '{"sample": "3"}'],
    ]);
  });

  it('--extractor: the stateful pair beside the dummy, parsed in load order, each field from its plugin', async () => {
    const stateful = path.resolve(__dirname, '../../examples/stateful');
    const lines = await run(dummy, {
      config: '{"jitter":0}',
      open: '{"start":0,"maxEvents":4}',
      fields: ['dummy.value', 'counter.count', 'peer.total', 'peer.seen'],
      extractors: [
        { entry: path.join(stateful, 'counter.ts'), config: '{"buckets":2}' },
        { entry: path.join(stateful, 'peer.ts'), config: '' },
      ],
    });
    expect(
      lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .map((r) => [r['dummy.value'], r['counter.count'], r['peer.total'], r['peer.seen']]),
    ).toEqual([
      [1, 1, 1, 1],
      [2, 1, 2, 2],
      [3, 2, 3, 3],
      [4, 2, 4, 4],
    ]);
  });

  it('names a field that no loaded plugin declares', async () => {
    await expect(
      run(dummy, { fields: ['nobody.field'], extractors: [{ entry: dummy, config: '' }] }),
    ).rejects.toThrow('no loaded plugin declares the field nobody.field');
  });

  it('stops at --max-events', async () => {
    expect(await run(dummy, { maxEvents: 2 })).toHaveLength(2);
  });

  it('reports a missing entry, a compile error and a module without a plugin', async () => {
    await expect(run(path.join(scratch, 'missing.ts'))).rejects.toThrow(
      /plugin entry .*missing.ts does not exist/,
    );
    const broken = path.join(scratch, 'broken.ts');
    writeFileSync(broken, 'export default registerPlugin(;\n');
    await expect(run(broken)).rejects.toThrow(/cannot compile .*broken.ts:\n.*broken.ts:1:\d+: /);
    const empty = path.join(scratch, 'empty.ts');
    writeFileSync(empty, 'export const x = 1;\n');
    await expect(run(empty)).rejects.toThrow(
      'exports no plugin: add `export default registerPlugin(MyPlugin)`',
    );
  });
});
