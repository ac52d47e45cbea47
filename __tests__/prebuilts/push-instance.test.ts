/* newPushInstance in virtual time (RxJS TestScheduler): buffering, timeouts, EOF, errors, overflow policies. */
import { Readable } from 'node:stream';
import { map, Subject, type Observable } from 'rxjs';
import { EOF, TIMEOUT, type BatchOutcome } from 'falco-plugin-sdk';
import {
  newPushInstance,
  PushOverflowError,
  PushQueue,
  type PushInstanceOptions,
  type PushSource,
  type SourceEvent,
} from 'falco-plugin-sdk/prebuilts';
import { TestBatch } from './helpers/batches';
import { trackCall } from './helpers/calls';
import { settleMicrotasks, VirtualClock } from './helpers/virtual-clock';

function setup(
  source: PushSource | ((clock: VirtualClock) => PushSource),
  options: PushInstanceOptions = {},
) {
  const clock = new VirtualClock();
  const instance = newPushInstance(typeof source === 'function' ? source(clock) : source, {
    scheduler: clock.scheduler,
    batchSize: 3,
    ...options,
  });
  const batch = new TestBatch(instance.batchOptions);
  return { clock, instance, batch, call: () => trackCall(clock, () => instance.nextBatch(batch.reset())) };
}

const event = (data: string): SourceEvent => ({ data });

/** A cold stream of events on the virtual clock: one marble frame is 1 ms, each letter an event. */
function marbles(clock: VirtualClock, diagram: string): Observable<SourceEvent> {
  return clock.cold<string>(diagram).pipe(map(event));
}

describe('newPushInstance: Observable sources in virtual time', () => {
  it('returns a full batch synchronously when events are already buffered', () => {
    const subject = new Subject<SourceEvent>();
    const { instance, batch } = setup(subject);
    ['a', 'b', 'c', 'd'].forEach((d) => subject.next(event(d)));
    expect(instance.nextBatch(batch.reset())).toBeUndefined();
    expect(batch.texts()).toEqual(['a', 'b', 'c']);
    expect(instance.stats).toMatchObject({ bufferedEvents: 1, deliveredEvents: 3 });
  });

  it('waits until the batch is full and returns at that virtual time', async () => {
    const { clock, call, batch } = setup((c) => marbles(c, 'a---b---c---d'));
    const first = call();
    await clock.advance(100);
    expect(first).toMatchObject({ settled: true, outcome: undefined, at: 8 });
    expect(batch.texts()).toEqual(['a', 'b', 'c']);
  });

  it('returns the events it has with TIMEOUT at exactly the timeout, even none', async () => {
    const { clock, call, batch } = setup((c) => marbles(c, '-a' + '-'.repeat(60) + 'b'), { timeout: 30 });
    const first = call();
    await clock.advance(30);
    expect(first).toMatchObject({ settled: true, outcome: TIMEOUT, at: 30 });
    expect(batch.texts()).toEqual(['a']);
    const second = call();
    await clock.advance(30);
    expect(second).toMatchObject({ settled: true, outcome: TIMEOUT, at: 60 });
    expect(batch.texts()).toEqual([]);
    const third = call();
    await clock.advance(30);
    expect(third).toMatchObject({ outcome: TIMEOUT, at: 90 });
    expect(batch.texts()).toEqual(['b']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('returns EOF once the buffered events are delivered after completion, and EOF is sticky', async () => {
    const { clock, call, batch, instance } = setup((c) => marbles(c, 'abcde|'));
    await clock.advance(10);
    expect(call()).toMatchObject({ settled: true, outcome: undefined }); // full, synchronously
    expect(batch.texts()).toEqual(['a', 'b', 'c']);
    const last = call();
    await clock.advance(0);
    expect(last).toMatchObject({ settled: true, outcome: EOF });
    expect(batch.texts()).toEqual(['d', 'e']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
  });

  it('returns EOF when the source completes while a call waits', async () => {
    const { clock, call, batch } = setup((c) => marbles(c, 'a----|'));
    const first = call();
    await clock.advance(10);
    expect(first).toMatchObject({ outcome: EOF, at: 5 });
    expect(batch.texts()).toEqual(['a']);
  });

  it('an error ends the source after the events already buffered: the call fails with them, then EOF', async () => {
    const subject = new Subject<SourceEvent>();
    const { clock, call, batch, instance } = setup(subject);
    const first = call();
    subject.next(event('a'));
    subject.next(event('b'));
    subject.error(new Error('stream reset by peer'));
    await clock.advance(0);
    expect(first).toMatchObject({ settled: true, error: new Error('stream reset by peer'), at: 0 });
    expect(batch.texts()).toEqual(['a', 'b']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
  });

  it('delivers every buffered event before the error, across batches', () => {
    const subject = new Subject<SourceEvent>();
    const { instance, batch } = setup(subject);
    ['a', 'b', 'c', 'd'].forEach((d) => subject.next(event(d)));
    subject.error(new Error('boom'));
    expect(instance.nextBatch(batch.reset())).toBeUndefined();
    expect(batch.texts()).toEqual(['a', 'b', 'c']);
    expect(() => instance.nextBatch(batch.reset())).toThrow('boom');
    expect(batch.texts()).toEqual(['d']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
  });

  it('does not time out at once after a long pause of the host (no stale tick)', async () => {
    const subject = new Subject<SourceEvent>();
    const { clock, call, batch } = setup(subject, { timeout: 30 });
    const first = call();
    await clock.advance(30);
    expect(first).toMatchObject({ outcome: TIMEOUT, at: 30 });
    await clock.advance(10_000);
    const second = call();
    await clock.advance(10);
    ['x', 'y', 'z'].forEach((d) => subject.next(event(d)));
    await clock.advance(0);
    expect(second).toMatchObject({ settled: true, outcome: undefined, at: 10_040 });
    expect(batch.texts()).toEqual(['x', 'y', 'z']);
  });
});

describe('newPushInstance: bounded buffer and overflow policies', () => {
  it('by default ends the source with a clear error when an Observable overflows the buffer, after the buffered events', () => {
    const subject = new Subject<SourceEvent>();
    const { instance, batch } = setup(subject, { bufferSize: 4, batchSize: 10 });
    for (let i = 0; i < 6; i++) subject.next(event(`e${i}`));
    expect(subject.observed).toBe(false); // unsubscribed: nothing more is taken in
    expect(() => instance.nextBatch(batch.reset())).toThrow(PushOverflowError);
    expect(batch.texts()).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(new PushOverflowError(4).message).toBe(
      'newPushInstance: the buffer is full (4 events wait for the host): the source emits faster than next_batch ' +
        'consumes, so it was ended; raise bufferSize, or set overflow: "drop-oldest" or "drop-newest" to drop ' +
        '(and count) events instead',
    );
  });

  it.each([
    ['drop-newest', ['e0', 'e1', 'e2', 'e3']],
    ['drop-oldest', ['e2', 'e3', 'e4', 'e5']],
  ] as const)('%s drops and counts, and the source goes on', async (overflow, kept) => {
    const subject = new Subject<SourceEvent>();
    const { instance, batch, call, clock } = setup(subject, { bufferSize: 4, batchSize: 10, overflow });
    for (let i = 0; i < 6; i++) subject.next(event(`e${i}`));
    const first = call();
    await clock.advance(30);
    expect(first.outcome).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(kept);
    expect(instance.stats).toEqual({
      deliveredEvents: 4,
      skippedEvents: 0,
      bufferedEvents: 0,
      droppedEvents: 2,
      undeliveredEvents: 0,
    });
    expect(subject.observed).toBe(true);
  });

  it('reads an AsyncIterable only when the buffer has room: no event dropped, in order, then EOF', async () => {
    let produced = 0;
    async function* generate() {
      for (let i = 0; i < 10; i++) {
        produced++;
        yield event(`e${i}`);
      }
    }
    const { clock, call, batch, instance } = setup(generate(), { bufferSize: 2, batchSize: 3 });
    await settleMicrotasks();
    expect(produced).toBeLessThanOrEqual(3); // 2 buffered, at most one read ahead
    const seen: string[] = [];
    let outcome: BatchOutcome;
    do {
      const c = call();
      await clock.advance(0);
      if (!c.settled) await clock.advance(30);
      outcome = c.outcome;
      seen.push(...batch.texts());
      expect(instance.stats.bufferedEvents).toBeLessThanOrEqual(2);
    } while (outcome !== EOF);
    expect(seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
    expect(instance.stats.droppedEvents).toBe(0);
  });

  it('fails the call with the error an AsyncIterable throws, after its events', async () => {
    async function* generate() {
      yield event('a');
      throw new Error('iterator failed');
    }
    const { clock, call, batch } = setup(generate());
    const first = call();
    await clock.advance(0);
    expect(first).toMatchObject({ settled: true, error: new Error('iterator failed') });
    expect(batch.texts()).toEqual(['a']);
  });

  it('reads an object-mode Readable with backpressure and returns EOF at its end', async () => {
    const readable = Readable.from(['a', 'b', 'c', 'd'].map(event));
    const { clock, call, batch } = setup(readable, { bufferSize: 2, batchSize: 10 });
    const seen: string[] = [];
    for (;;) {
      const c = call();
      await clock.advance(0);
      if (!c.settled) await clock.advance(30);
      seen.push(...batch.texts());
      if (c.outcome === EOF) break;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses a byte-mode Readable, and destroys an object-mode Readable when closed', async () => {
    expect(() => newPushInstance(Readable.from([Buffer.from('x')], { objectMode: false }))).toThrow(
      'newPushInstance: the Readable must be in object mode and emit {data, timestamp?} events; split a byte stream into events first (e.g. with readline)',
    );
    const readable = new Readable({ objectMode: true, read() {} });
    const { instance } = setup(readable);
    await instance.close();
    expect(readable.destroyed).toBe(true);
  });

  it('takes a PushQueue whose offer says queued, full or ended, atomically for offerAll', async () => {
    const queue = new PushQueue({ capacity: 3 });
    const { instance, batch, call, clock } = setup(queue, { batchSize: 10 });
    expect(queue.offer(event('a'))).toBe('queued');
    expect(queue.offerAll([event('b'), event('c'), event('d')])).toBe('full');
    expect(queue.length).toBe(1);
    expect(queue.offerAll([event('b'), event('c')])).toBe('queued');
    expect(queue.offer(event('d'))).toBe('full');
    const first = call();
    await clock.advance(30);
    expect(first.outcome).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(['a', 'b', 'c']);
    queue.offer(event('e'));
    queue.end();
    expect(queue.offer(event('f'))).toBe('ended');
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(batch.texts()).toEqual(['e']);
    const other = new PushQueue();
    const second = newPushInstance(other);
    await second.close();
    expect(other.offer(event('late'))).toBe('ended');
  });

  it('explains a bad source or option combination', () => {
    expect(() => newPushInstance(42 as never)).toThrow(
      'newPushInstance: the source must be an RxJS Observable, an AsyncIterable, an object-mode Readable or a PushQueue, got number 42',
    );
    expect(() => newPushInstance(new PushQueue(), { bufferSize: 10 })).toThrow(
      'newPushInstance: bufferSize does not apply to a PushQueue source: set its capacity instead',
    );
    expect(() => newPushInstance((async function* () {})(), { overflow: 'drop-oldest' })).toThrow(
      /overflow applies to Observable sources only/,
    );
    expect(() => newPushInstance(new Subject<SourceEvent>(), { bufferSize: 0 })).toThrow(
      'newPushInstance: invalid options: bufferSize: Number must be greater than 0',
    );
    expect(() => newPushInstance(new Subject<SourceEvent>(), { overflow: 'block' as never })).toThrow(
      /newPushInstance: invalid options: overflow: Invalid enum value. Expected 'error' \| 'drop-newest' \| 'drop-oldest', received 'block'/,
    );
    expect(() => new PushQueue({ capacity: 1.5 })).toThrow(
      'PushQueue: capacity must be a positive integer, got 1.5',
    );
  });
});
