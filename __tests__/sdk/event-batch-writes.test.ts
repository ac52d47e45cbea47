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

describe('EventBatch.writeEvent', () => {
  /** A complete event: header, u32 parameter lengths, the parameters. */
  function frame(type: number, params: Uint8Array[], ts = 5n): Uint8Array {
    const size = 26 + 4 * params.length + params.reduce((n, p) => n + p.length, 0);
    const bytes = new Uint8Array(size);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, ts, true);
    view.setBigInt64(8, 42n, true);
    view.setUint32(16, size, true);
    view.setUint16(20, type, true);
    view.setUint32(22, params.length, true);
    params.forEach((p, i) => view.setUint32(26 + 4 * i, p.length, true));
    let at = 26 + 4 * params.length;
    for (const p of params) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  }
  const u32 = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);

  function batchWithId(pluginId: number) {
    const memory = new HarnessMemory();
    const batch = new EventBatch(memory, 1, { maxEventSize: 64 }, pluginId);
    const events = () => splitBatch(memory.get(BufferKind.Batch, 1), batch.length, pluginId, () => 7n);
    return { batch, events };
  }

  it('takes any event type as it is from a source without an id, among plugin events', () => {
    const { batch, events } = batchWithId(0);
    const syscall = frame(293, [u32(3), Buffer.from('/bin/ls\0')]);
    batch.writeEvent(syscall);
    syscall.fill(0); // copied: the caller may reuse its bytes
    const out = events();
    expect(out).toHaveLength(1);
    expect(Buffer.from(out[0].bytes)).toEqual(Buffer.from(frame(293, [u32(3), Buffer.from('/bin/ls\0')])));
  });

  it('takes plugin events with the plugin id or 0 from a source with an id, and nothing else', () => {
    const { batch, events } = batchWithId(999);
    batch.writeEvent(frame(322, [u32(0), Buffer.from('a')]));
    batch.writeEvent(frame(322, [u32(999), Buffer.from('b')]));
    expect(events().map((e) => Buffer.from(e.bytes.subarray(38)).toString())).toEqual(['a', 'b']);
    expect(() => batch.writeEvent(frame(293, [u32(3)]))).toThrow(
      'writeEvent: event type 293 refused: a plugin with an event source id (999) emits only plugin events (type 322); a source of other event types declares no id',
    );
    expect(() => batch.writeEvent(frame(322, [u32(5), Buffer.from('c')]))).toThrow(
      "writeEvent: the plugin event's plugin id 5 is not the plugin's (999); 0 lets the host fill it in",
    );
    expect(batch.length).toBe(2);
  });

  it('refuses a malformed frame, naming the problem, and writes nothing', () => {
    const { batch } = batchWithId(0);
    expect(() => batch.writeEvent(new Uint8Array(10))).toThrow(
      'writeEvent: an event of 10 bytes is shorter than the 26-byte header',
    );
    const wrongLen = frame(293, [u32(3)]);
    new DataView(wrongLen.buffer).setUint32(16, 99, true);
    expect(() => batch.writeEvent(wrongLen)).toThrow(
      "writeEvent: the event's len (99) is not its size (34 bytes)",
    );
    const badPluginEvent = frame(322, [u32(0), Buffer.from('x')]);
    new DataView(badPluginEvent.buffer).setUint32(30, 5, true);
    expect(() => batch.writeEvent(badPluginEvent)).toThrow(
      "writeEvent: the plugin event's parameter lengths (4, 5) do not add up to its len (39)",
    );
    expect(() => batch.writeEvent(frame(293, [new Uint8Array(100)]))).toThrow(EventTooLargeError);
    expect(batch.length).toBe(0);
  });
});
