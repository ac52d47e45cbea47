/* What both prebuilt instances share, in virtual time: close racing a pending call, abort, invalid events,
   options, and the way the symbols layer and the harness drive them. */
import { getEventListeners } from 'node:events';
import { Subject } from 'rxjs';
import { EOF, TIMEOUT } from 'falco-plugin-sdk';
import {
  InvalidEventError,
  newPullInstance,
  newPushInstance,
  type PullResult,
  type SourceEvent,
  type SourceInstance,
  type SourceInstanceOptions,
} from 'falco-plugin-sdk/prebuilts';
import { PluginHarness } from 'falco-plugin-sdk/testing';
import { ReturnCode } from '../../lib/symbols/return-codes';
import { sourcePlugin } from '../helpers/plugins';
import { TestBatch } from './helpers/batches';
import { trackCall } from './helpers/calls';
import { VirtualClock } from './helpers/virtual-clock';

/** A source of the given kind whose events the test emits; `released` tells whether it is still held. */
interface Fixture {
  readonly instance: SourceInstance;
  emit(events: readonly unknown[]): void;
  released(): boolean;
  pullSignals: AbortSignal[];
}

type Kind = 'pull' | 'push';

function fixture(kind: Kind, options: SourceInstanceOptions): Fixture {
  if (kind === 'push') {
    const subject = new Subject<SourceEvent>();
    return {
      instance: newPushInstance(subject, options),
      emit: (events) => events.forEach((e) => subject.next(e as SourceEvent)),
      released: () => !subject.observed,
      pullSignals: [],
    };
  }
  const queue: unknown[] = [];
  const waiting: ((r: PullResult) => void)[] = [];
  const pullSignals: AbortSignal[] = [];
  return {
    instance: newPullInstance((signal) => {
      pullSignals.push(signal);
      if (queue.length > 0) return queue.shift() as SourceEvent;
      return new Promise<PullResult>((resolve) => waiting.push(resolve));
    }, options),
    emit: (events) =>
      events.forEach((e) => {
        const resolve = waiting.shift();
        if (resolve) resolve(e as SourceEvent);
        else queue.push(e);
      }),
    released: () => pullSignals.every((s) => s.aborted),
    pullSignals,
  };
}

function setup(kind: Kind, options: SourceInstanceOptions = {}) {
  const clock = new VirtualClock();
  const f = fixture(kind, { scheduler: clock.scheduler, batchSize: 3, ...options });
  const batch = new TestBatch(f.instance.batchOptions);
  return { ...f, clock, batch, call: () => trackCall(clock, () => f.instance.nextBatch(batch.reset())) };
}

describe.each(['pull', 'push'] as const)('%s instance lifecycle', (kind) => {
  it('close while next_batch is pending settles it with EOF and releases every subscription and timer', async () => {
    const onClose = jest.fn();
    const { clock, call, instance, batch, emit, released } = setup(kind, { onClose });
    const pending = call();
    emit([{ data: 'a' }]);
    await clock.advance(10);
    expect(pending.settled).toBe(false);
    expect(clock.pendingTimers).toBe(1);
    const closing = instance.close();
    await clock.advance(0);
    expect(pending).toMatchObject({ settled: true, outcome: EOF, at: 10 });
    expect(batch.texts()).toEqual(['a']);
    await closing;
    expect(clock.pendingTimers).toBe(0);
    expect(released()).toBe(true);
    expect(instance.signal.aborted).toBe(true);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(instance.close()).toBe(closing); // idempotent
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    emit([{ data: 'late' }]); // a late result goes nowhere
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(batch.texts()).toEqual([]);
  });

  it('aborting the signal option ends the source with EOF, sticky, and removes its listener at close', async () => {
    const controller = new AbortController();
    const { clock, call, instance, batch, released } = setup(kind, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const pending = call();
    await clock.advance(5);
    controller.abort();
    await clock.advance(0);
    expect(pending).toMatchObject({ settled: true, outcome: EOF, at: 5 });
    expect(clock.pendingTimers).toBe(0);
    expect(released()).toBe(true);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await instance.close();
  });

  it('waits 30 ms by default, as the Go SDK', async () => {
    const { clock, call, batch, emit } = setup(kind);
    const pending = call();
    emit([{ data: 'a' }]);
    await clock.advance(29);
    expect(pending.settled).toBe(false);
    await clock.advance(1);
    expect(pending).toMatchObject({ settled: true, outcome: TIMEOUT, at: 30 });
    expect(batch.texts()).toEqual(['a']);
  });

  it('an already aborted signal gives EOF at the first call', () => {
    const { instance, batch } = setup(kind, { signal: AbortSignal.abort() });
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
  });

  it('refuses a second call while one is pending', async () => {
    const { clock, call, instance, batch } = setup(kind);
    call();
    expect(() => instance.nextBatch(batch.reset())).toThrow(
      `new${kind === 'pull' ? 'Pull' : 'Push'}Instance: nextBatch was called while the previous call is still pending`,
    );
    await clock.advance(30);
  });

  it('an oversized event fails one call with a clear message, keeps the events before it, and the source goes on', async () => {
    const { clock, call, batch, emit } = setup(kind, { maxEventSize: 8, batchSize: 10 });
    emit([{ data: 'small' }, { data: 'much too large' }, { data: 'next' }]);
    const failing = call();
    await clock.advance(0);
    const name = kind === 'pull' ? 'newPullInstance' : 'newPushInstance';
    expect(failing.error).toBeInstanceOf(InvalidEventError);
    expect((failing.error as Error).message).toBe(
      `${name}: event refused: event of 14 bytes exceeds the maximum event size of 8 bytes (raise maxEventSize, or set invalidEvents: "skip")`,
    );
    expect(batch.texts()).toEqual(['small']);
    const next = call();
    await clock.advance(30);
    expect(next.outcome).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(['next']);
  });

  it('invalidEvents "skip" drops and counts refused events', async () => {
    const { clock, call, batch, instance, emit } = setup(kind, {
      maxEventSize: 8,
      batchSize: 2,
      invalidEvents: 'skip',
    });
    emit([
      { data: 'a' },
      { data: 'much too large' },
      { data: 42 },
      { data: 'b', timestamp: -1 },
      { data: 'c' },
    ]);
    const c = call();
    await clock.advance(0);
    expect(c.outcome).toBeUndefined();
    expect(batch.texts()).toEqual(['a', 'c']);
    expect(instance.stats).toMatchObject({ deliveredEvents: 2, skippedEvents: 3 });
  });

  it('invalidEvents "end" fails the call and ends the source, like Go', async () => {
    const { clock, call, batch, instance, emit, released } = setup(kind, {
      invalidEvents: 'end',
      batchSize: 10,
    });
    emit([{ data: 'a' }, 'not an event', { data: 'b' }]);
    const c = call();
    await clock.advance(0);
    const name = kind === 'pull' ? 'newPullInstance' : 'newPushInstance';
    expect((c.error as Error).message).toBe(
      `${name}: not an event: expected {data: Uint8Array | string, timestamp?}, got string "not an event"`,
    );
    expect(batch.texts()).toEqual(['a']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    if (kind === 'push') expect(released()).toBe(true);
  });

  it('names a bad timestamp', async () => {
    const { clock, call, emit } = setup(kind);
    emit([{ data: 'a', timestamp: -5 }]);
    const c = call();
    await clock.advance(0);
    expect((c.error as Error).message).toMatch(
      /event refused: timestamp -5 is not a non-negative number of nanoseconds/,
    );
  });

  it('reports progress through the progress option, and has no progress method without it', () => {
    const withProgress = setup(kind, { progress: () => ({ value: 0.5, detail: 'half' }) });
    expect(withProgress.instance.progress?.()).toEqual({ value: 0.5, detail: 'half' });
    expect(typeof setup(kind).instance.progress).toBe('undefined');
  });
});

describe('options are validated with clear messages', () => {
  const who = { pull: 'newPullInstance', push: 'newPushInstance' } as const;
  const make = (kind: Kind, options: unknown) =>
    kind === 'pull'
      ? newPullInstance(() => EOF, options as never)
      : newPushInstance(new Subject<SourceEvent>(), options as never);

  it.each([
    ['timeout 0', { timeout: 0 }, 'timeout: Number must be greater than 0'],
    ['timeout Infinity', { timeout: Infinity }, 'timeout: Number must be finite'],
    ['batchSize 2.5', { batchSize: 2.5 }, 'batchSize: Expected integer, received float'],
    ['maxEventSize -1', { maxEventSize: -1 }, 'maxEventSize: Number must be greater than 0'],
    ['signal {}', { signal: {} }, 'signal: must be an AbortSignal'],
    ['onClose "x"', { onClose: 'x' }, 'onClose: must be a function'],
    ['scheduler {}', { scheduler: {} }, 'scheduler: must be an RxJS scheduler'],
    [
      'invalidEvents "ignore"',
      { invalidEvents: 'ignore' },
      "invalidEvents: Invalid enum value. Expected 'fail' | 'skip' | 'end', received 'ignore'",
    ],
    ['a misspelt key', { timout: 10 }, "(root): Unrecognized key(s) in object: 'timout'"],
    ['not an object', 30, '(root): Expected object, received number'],
  ])('%s', (_label, options, message) => {
    for (const kind of ['pull', 'push'] as const) {
      expect(() => make(kind, options)).toThrow(`${who[kind]}: invalid options: ${message}`);
    }
  });

  it('a pull that is not a function', () => {
    expect(() => newPullInstance('x' as never)).toThrow(
      'newPullInstance: pull must be a function (signal) => event | events | EOF | TIMEOUT, got string',
    );
  });
});

describe('prebuilt instances driven by the symbols layer (in-process harness)', () => {
  it('a pull source runs to EOF with the batch size it declares', async () => {
    let n = 0;
    const plugin = sourcePlugin(() =>
      newPullInstance(() => (n < 10 ? { data: `e${n++}` } : EOF), { batchSize: 4 }),
    );
    const state = await new PluginHarness(plugin).init();
    const capture = await state.open();
    const sizes: number[] = [];
    let rc: ReturnCode;
    do {
      const result = await capture.nextBatch();
      rc = result.rc;
      sizes.push(result.events.length);
    } while (rc !== ReturnCode.Eof);
    expect(sizes).toEqual([4, 4, 2]);
    await capture.close();
    await state.destroy();
  });

  it('closing the capture while next_batch waits settles it with EOF', async () => {
    const subject = new Subject<SourceEvent>();
    const onClose = jest.fn();
    const plugin = sourcePlugin(() => newPushInstance(subject, { timeout: 60_000, onClose }));
    const state = await new PluginHarness(plugin).init();
    const capture = await state.open();
    const pending = capture.nextBatch();
    subject.next({ data: 'a' });
    await capture.close();
    const result = await pending;
    expect(result.rc).toBe(ReturnCode.Eof);
    expect(result.events).toHaveLength(1);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(subject.observed).toBe(false);
    await state.destroy();
  });

  it('an error of the source reaches get_last_error after the events', async () => {
    const subject = new Subject<SourceEvent>();
    const plugin = sourcePlugin(() => newPushInstance(subject));
    const state = await new PluginHarness(plugin).init();
    const capture = await state.open();
    subject.next({ data: 'a' });
    subject.error(new Error('upstream closed the connection'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of capture.events()) seen.push(Buffer.from(e.bytes.subarray(38)).toString());
      })(),
    ).rejects.toThrow('next_batch failed: upstream closed the connection');
    expect(seen).toEqual(['a']);
    await capture.close();
    await state.destroy();
  });
});
