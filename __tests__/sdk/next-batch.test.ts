import {
  EndOfStreamError,
  EOF,
  EventTooLargeError,
  TIMEOUT,
  BatchFullError,
  type EventBatch,
} from 'falco-plugin-sdk';
import { PluginHarness, type CapturedEvent } from 'falco-plugin-sdk/testing';
import { ReturnCode } from '../../lib/symbols/return-codes';
import { FnInstance, sourcePlugin } from '../helpers/plugins';

const text = (e: CapturedEvent) => Buffer.from(e.bytes.subarray(38)).toString();

async function captureOf(
  fn: (batch: EventBatch, call: number) => ReturnType<FnInstance['nextBatch']>,
  options = {},
) {
  const state = await new PluginHarness(sourcePlugin(() => new FnInstance(fn, options))).init();
  return { state, capture: await state.open() };
}

describe('event batches and sentinels', () => {
  it('writes complete plugin events: header, plugin id from the host, payload, host timestamps', async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const { state, capture } = await captureOf((batch) => {
      batch.write('text');
      batch.write(new Uint8Array([1, 2, 3]), 42n);
      batch.write('ts-number', 1_000);
      batch.write('ts-date', new Date(5));
      return EOF;
    });
    const { rc, events } = await capture.nextBatch();
    expect(rc).toBe(ReturnCode.Eof);
    expect(events.map((e) => e.bytes.length)).toEqual([42, 41, 47, 45]);
    const view = new DataView(events[0].bytes.buffer);
    expect(view.getUint16(20, true)).toBe(322);
    expect(view.getUint32(22, true)).toBe(2);
    expect(view.getUint32(34, true)).toBe(999);
    expect(view.getBigInt64(8, true)).toBe(-1n);
    expect(text(events[0])).toBe('text');
    expect(Array.from(events[1].bytes.subarray(38))).toEqual([1, 2, 3]);
    expect(events[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(events.slice(1).map((e) => e.timestamp)).toEqual([42n, 1000n, 5_000_000n]);
    await state.destroy();
  });

  it('delivers events returned with EOF, and EOF is sticky', async () => {
    let calls = 0;
    const { state, capture } = await captureOf((batch) => {
      calls++;
      batch.write('last');
      return EOF;
    });
    expect(await capture.nextBatch()).toMatchObject({ rc: ReturnCode.Eof, events: [{ number: 1 }] });
    expect(await capture.nextBatch()).toEqual({ rc: ReturnCode.Eof, events: [] });
    expect(calls).toBe(1);
    await state.destroy();
  });

  it('delivers events returned with TIMEOUT and keeps calling', async () => {
    const { state, capture } = await captureOf((batch, call) => {
      if (call === 0) return TIMEOUT;
      batch.write(`e${call}`);
      if (call === 1) return TIMEOUT;
      return call === 3 ? EOF : undefined;
    });
    const seen: string[] = [];
    for await (const e of capture.events()) seen.push(text(e));
    expect(seen).toEqual(['e1', 'e2', 'e3']);
    await state.destroy();
  });

  it('accepts thrown sentinels', async () => {
    const { state, capture } = await captureOf((batch) => {
      batch.write('a');
      throw new EndOfStreamError();
    });
    expect(await capture.nextBatch()).toMatchObject({ rc: ReturnCode.Eof, events: [{}] });
    await state.destroy();
  });

  it('turns an empty successful batch into TIMEOUT (the host rejects SUCCESS with no events)', async () => {
    const { state, capture } = await captureOf(() => undefined);
    expect(await capture.nextBatch()).toEqual({ rc: ReturnCode.Timeout, events: [] });
    await state.destroy();
  });

  it('fails an oversized event clearly and keeps the events already in the batch', async () => {
    const { state, capture } = await captureOf(
      (batch) => {
        batch.write('ok-1');
        batch.write('ok-2');
        batch.write('x'.repeat(17));
      },
      { maxEventSize: 16 },
    );
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of capture.events()) seen.push(text(e));
      })(),
    ).rejects.toThrow('next_batch failed: event of 17 bytes exceeds the maximum event size of 16 bytes');
    expect(seen).toEqual(['ok-1', 'ok-2']);
    await state.destroy();
  });

  it('measures the size of text in UTF-8 bytes, not characters', async () => {
    const { state, capture } = await captureOf(
      (batch) => {
        batch.write('éé');
        expect(() => batch.write('ééé')).toThrow(EventTooLargeError);
        return EOF;
      },
      { maxEventSize: 5 },
    );
    const { events } = await capture.nextBatch();
    expect(events.map(text)).toEqual(['éé']);
    await state.destroy();
  });

  it('honours the batch size and reports a full batch', async () => {
    const { state, capture } = await captureOf(
      (batch) => {
        while (!batch.full) batch.write('x');
        expect(batch.length).toBe(3);
        expect(() => batch.write('y')).toThrow(BatchFullError);
      },
      { batchSize: 3 },
    );
    expect((await capture.nextBatch()).events).toHaveLength(3);
    await state.destroy();
  });

  it('grows the batch memory for large events without losing earlier ones', async () => {
    const big = 'b'.repeat(300_000);
    const { state, capture } = await captureOf(
      (batch) => {
        for (let i = 0; i < 50; i++) batch.write(`small-${i}`);
        batch.write(big);
        batch.write('after');
        return EOF;
      },
      { maxEventSize: 1 << 20 },
    );
    const { events } = await capture.nextBatch();
    expect(events).toHaveLength(52);
    expect(text(events[49])).toBe('small-49');
    expect(text(events[50])).toBe(big);
    expect(text(events[51])).toBe('after');
    await state.destroy();
  });

  it('supports zero-copy writing with reserve and commit', async () => {
    const { state, capture } = await captureOf((batch) => {
      const view = batch.reserve(8);
      view.set([104, 105]);
      batch.commit(2, 7n);
      expect(() => batch.commit(1)).toThrow(RangeError);
      return EOF;
    });
    const { events } = await capture.nextBatch();
    expect(events.map(text)).toEqual(['hi']);
    expect(events[0].timestamp).toBe(7n);
    await state.destroy();
  });

  it('delivers events returned with a failure, then reports the failure', async () => {
    const { state, capture } = await captureOf((batch) => {
      batch.write('before');
      throw new Error('disk on fire');
    });
    const result = await capture.nextBatch();
    expect(result.rc).toBe(ReturnCode.Failure);
    expect(result.events.map(text)).toEqual(['before']);
    expect(state.symbols.getLastError()).toBe('disk on fire');
    await state.destroy();
  });

  it('awaits asynchronous nextBatch implementations', async () => {
    const { state, capture } = await captureOf(async (batch, call) => {
      await new Promise((r) => setTimeout(r, 5));
      batch.write(`async-${call}`);
      return call === 1 ? EOF : undefined;
    });
    const seen: string[] = [];
    for await (const e of capture.events()) seen.push(text(e));
    expect(seen).toEqual(['async-0', 'async-1']);
    await state.destroy();
  });

  it('rejects bad batch options with a clear message', async () => {
    const state = await new PluginHarness(
      sourcePlugin(() => new FnInstance(() => EOF, { batchSize: 0 })),
    ).init();
    await expect(state.open()).rejects.toThrow('open failed: batchSize must be a positive integer, got 0');
    await state.destroy();
  });
});
