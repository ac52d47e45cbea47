/**
 * EventBatch.write without allocations per event: text is copied byte by byte (short ASCII) or encoded
 * in place, bytes are copied in place. The payloads must be exactly what a UTF-8 encoder makes, at every
 * length and size limit, also when the batch moves to a larger buffer.
 */
import { BatchFullError, EventBatch, EventTooLargeError } from '../../lib/sdk/event-batch';
import { BufferKind } from '../../lib/symbols/exchange-layout';
import { HarnessMemory } from '../../lib/testing/harness-memory';
import { splitBatch } from '../../lib/testing/decode';

const PAYLOAD = 38;

function batchOf(options: { batchSize?: number; maxEventSize?: number } = {}) {
  const memory = new HarnessMemory();
  const batch = new EventBatch(memory, 1, options);
  const payloads = () =>
    splitBatch(memory.get(BufferKind.Batch, 1), batch.length, 999, () => 0n).map((e) =>
      Buffer.from(e.bytes.subarray(PAYLOAD)),
    );
  return { batch, payloads };
}

const texts = [
  '',
  '7',
  '1234567890123456', // the longest text of the byte-by-byte copy
  '12345678901234567', // the shortest of the in-place encoder
  'é',
  'abcé',
  'a'.repeat(15) + '€',
  '𝄞 clef',
  '\ud800 lone surrogate',
  'x\udc00',
  'a'.repeat(1024),
  'a'.repeat(1025), // exact size from here on
  'ü'.repeat(2000),
  `${'left'.repeat(40)}${'right'.repeat(40)}`, // a cons string
];

describe('EventBatch.write', () => {
  it.each(texts.map((t) => [t.length, t]))('writes text of %i UTF-16 units as UTF-8', (_, text) => {
    const { batch, payloads } = batchOf();
    batch.write(text);
    batch.write('after');
    expect(payloads()).toEqual([Buffer.from(text, 'utf8'), Buffer.from('after')]);
  });

  it('writes bytes, including a Buffer and a view into a larger array', () => {
    const { batch, payloads } = batchOf();
    const big = new Uint8Array(100).map((_, i) => i);
    batch.write(new Uint8Array([1, 2, 3]));
    batch.write(Buffer.from('buf'));
    batch.write(big.subarray(10, 20));
    batch.write(new Uint8Array(0));
    expect(payloads()).toEqual([
      Buffer.from([1, 2, 3]),
      Buffer.from('buf'),
      Buffer.from(big.subarray(10, 20)),
      Buffer.alloc(0),
    ]);
  });

  it('keeps earlier events when a large one moves the batch to a larger buffer', () => {
    const { batch, payloads } = batchOf({ batchSize: 4 });
    batch.write('first');
    batch.write('é'.repeat(120_000));
    batch.write(new Uint8Array(250_000).fill(7));
    batch.write('last');
    expect(payloads()).toEqual([
      Buffer.from('first'),
      Buffer.from('é'.repeat(120_000)),
      Buffer.alloc(250_000, 7),
      Buffer.from('last'),
    ]);
  });

  it('takes text of exactly maxEventSize bytes and refuses one byte more, naming its UTF-8 size', () => {
    const { batch, payloads } = batchOf({ maxEventSize: 10 });
    batch.write('abcdefghij');
    batch.write('ééééé'); // 10 bytes in 5 units
    expect(() => batch.write('ééééé1')).toThrow(new EventTooLargeError(11, 10));
    expect(() => batch.write('abcdefghijk')).toThrow(new EventTooLargeError(11, 10));
    expect(() => batch.write('€€€€')).toThrow(new EventTooLargeError(12, 10));
    expect(() => batch.write(new Uint8Array(11))).toThrow(new EventTooLargeError(11, 10));
    batch.write('ok');
    expect(payloads()).toEqual([Buffer.from('abcdefghij'), Buffer.from('ééééé'), Buffer.from('ok')]);
  });

  it('refuses an event into a full batch and keeps the ones written', () => {
    const { batch, payloads } = batchOf({ batchSize: 2 });
    batch.write('a');
    batch.write(new Uint8Array([2]));
    expect(() => batch.write('c')).toThrow(BatchFullError);
    expect(() => batch.write(new Uint8Array([4]))).toThrow(BatchFullError);
    expect(payloads()).toEqual([Buffer.from('a'), Buffer.from([2])]);
  });

  it('still commits in place after reserve, and rejects a commit without one', () => {
    const { batch, payloads } = batchOf();
    batch.reserve(4).set([9, 8, 7]);
    batch.commit(3);
    batch.write('x');
    expect(() => batch.commit(1)).toThrow(RangeError);
    expect(payloads()).toEqual([Buffer.from([9, 8, 7]), Buffer.from('x')]);
  });
});
