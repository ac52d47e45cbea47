/* newLineInstance: the records of a file or a stream, with byte progress and bounded records. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { EOF } from 'falco-plugin-sdk';
import { newLineInstance, type LineInput, type LineInstanceOptions } from 'falco-plugin-sdk/prebuilts';
import { TestBatch } from './helpers/batches';
import { collectTexts } from './helpers/drain';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'line-instance-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
}

async function records(input: LineInput, options: LineInstanceOptions = {}): Promise<string[]> {
  const instance = newLineInstance(input, options);
  try {
    return await collectTexts(instance, Number.MAX_SAFE_INTEGER);
  } finally {
    await instance.close();
  }
}

describe('newLineInstance', () => {
  it('gives the lines of a file, the last one without its newline, blank lines and \\r left out', async () => {
    const at = file('a.jsonl', '{"a":1}\r\n\n{"a":2}\n{"a":3}');
    expect(await records(at)).toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
    expect(await records(at, { keepEmpty: true })).toEqual(['{"a":1}', '', '{"a":2}', '{"a":3}']);
  });

  it('splits at any delimiter, also across chunk boundaries', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `record ${i}`).join('<|>');
    const at = file('b.txt', text);
    const expected = text.split('<|>');
    expect(await records(at, { delimiter: '<|>', chunkSize: 7 })).toEqual(expected);
    expect(
      await records(Readable.from([Buffer.from(text.slice(0, 5)), text.slice(5)]), { delimiter: '<|>' }),
    ).toEqual(expected);
  });

  it('reports its progress in bytes of the file', async () => {
    const content = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const instance = newLineInstance(file('c.txt', content), { chunkSize: 64, batchSize: 10 });
    const batch = new TestBatch(instance.batchOptions);
    await instance.nextBatch(batch.reset());
    const first = instance.progress?.();
    expect(first?.value).toBeGreaterThan(0);
    expect(first?.value).toBeLessThan(1);
    expect(first?.detail).toMatch(new RegExp(`^\\d+ of ${content.length} bytes$`));
    while ((await instance.nextBatch(batch.reset())) !== EOF);
    expect(instance.progress?.()).toEqual({
      value: 1,
      detail: `${content.length} of ${content.length} bytes`,
    });
    await instance.close();
  });

  it('refuses a record longer than maxEventSize under invalidEvents, keeping the records around it', async () => {
    const at = file('d.txt', `short\n${'x'.repeat(5000)}\nafter\n`);
    const warnings: string[] = [];
    const skipped = await records(at, {
      maxEventSize: 100,
      chunkSize: 512,
      invalidEvents: 'skip',
      logger: { warn: (m) => void warnings.push(m) },
    });
    expect(skipped).toEqual(['short', 'after']);
    expect(warnings[0]).toContain('event of 101 bytes exceeds the maximum event size of 100 bytes');
    const instance = newLineInstance(at, { maxEventSize: 100 });
    const batch = new TestBatch(instance.batchOptions);
    await expect(instance.nextBatch(batch.reset())).rejects.toThrow(
      'exceeds the maximum event size of 100 bytes',
    );
    expect(batch.texts()).toEqual(['short']);
    await instance.close();
  });

  it('names a file it cannot read, and refuses bad options', async () => {
    const instance = newLineInstance(path.join(dir, 'missing.txt'));
    await expect(instance.nextBatch(new TestBatch(instance.batchOptions).reset())).rejects.toThrow('ENOENT');
    await instance.close();
    expect(() => newLineInstance('x', { delimiter: '' })).toThrow('delimiter must be a non-empty string');
    expect(() => newLineInstance(42 as unknown as string)).toThrow(
      'input must be a file path or an async iterable of bytes',
    );
  });
});
