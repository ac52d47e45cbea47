/* newPullInstance in virtual time (RxJS TestScheduler): every call's outcome and the virtual time it settles at. */
import { BatchTimeoutError, EndOfStreamError, EOF, TIMEOUT } from 'falco-plugin-sdk';
import {
  newPullInstance,
  type PullFunction,
  type PullInstanceOptions,
  type PullResult,
} from 'falco-plugin-sdk/prebuilts';
import { TestBatch } from './helpers/batches';
import { deferred, trackCall } from './helpers/calls';
import { VirtualClock } from './helpers/virtual-clock';

function setup(pull: PullFunction, options: PullInstanceOptions = {}) {
  const clock = new VirtualClock();
  const instance = newPullInstance(pull, { scheduler: clock.scheduler, batchSize: 4, ...options });
  const batch = new TestBatch(instance.batchOptions);
  return { clock, instance, batch, call: () => trackCall(clock, () => instance.nextBatch(batch.reset())) };
}

/** A pull whose every call returns a promise settled by the test (in order). */
function manualPull() {
  const calls: ReturnType<typeof deferred<PullResult>>[] = [];
  const signals: AbortSignal[] = [];
  const pull: PullFunction = (signal) => {
    const call = deferred<PullResult>();
    calls.push(call);
    signals.push(signal);
    return call.promise;
  };
  return { pull, calls, signals };
}

describe('newPullInstance: synchronous pulls', () => {
  it('fills the batch synchronously and returns SUCCESS without a promise', () => {
    let n = 0;
    const { instance, batch } = setup(() => ({ data: `e${n++}` }));
    expect(instance.nextBatch(batch.reset())).toBeUndefined();
    expect(batch.texts()).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(instance.nextBatch(batch.reset())).toBeUndefined();
    expect(batch.texts()).toEqual(['e4', 'e5', 'e6', 'e7']);
    expect(instance.stats).toEqual({ deliveredEvents: 8, skippedEvents: 0 });
  });

  it('returns the partial batch with TIMEOUT when pull has nothing now (TIMEOUT or an empty array)', () => {
    const results: PullResult[] = [
      { data: 'a' },
      TIMEOUT,
      { data: 'b' },
      [],
      { data: 'c' },
      new BatchTimeoutError() as never,
    ];
    let i = 0;
    const { instance, batch } = setup(() => {
      const r = results[i++];
      if (r instanceof Error) throw r;
      return r;
    });
    expect(instance.nextBatch(batch.reset())).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(['a']);
    expect(instance.nextBatch(batch.reset())).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(['b']);
    expect(instance.nextBatch(batch.reset())).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(['c']);
  });

  it('returns EOF with the last events, and EOF is sticky (pull is not called again)', () => {
    let calls = 0;
    const { instance, batch } = setup(() => (++calls <= 2 ? { data: `e${calls}` } : EOF));
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(batch.texts()).toEqual(['e1', 'e2']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(batch.texts()).toEqual([]);
    expect(calls).toBe(3);
  });

  it('treats a thrown EndOfStreamError as EOF', () => {
    let calls = 0;
    const { instance, batch } = setup(() => {
      if (++calls > 1) throw new EndOfStreamError();
      return { data: 'only' };
    });
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(batch.texts()).toEqual(['only']);
  });

  it('keeps the events of an array across batches, in order, nothing lost or duplicated', () => {
    const pages: PullResult[] = [
      ['a', 'b', 'c', 'd', 'e', 'f'].map((data) => ({ data })),
      [{ data: 'g' }],
      EOF,
    ];
    let page = 0;
    const { instance, batch } = setup(() => pages[page++]);
    expect(instance.nextBatch(batch.reset())).toBeUndefined();
    expect(batch.texts()).toEqual(['a', 'b', 'c', 'd']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(batch.texts()).toEqual(['e', 'f', 'g']);
    expect(page).toBe(3);
  });

  it('writes the timestamps it is given and leaves the others to the host', () => {
    let n = 0;
    const { instance, batch } = setup(() => (n++ === 0 ? { data: 'stamped', timestamp: 42n } : EOF));
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(batch.timestamps()).toEqual([42n]);
    let m = 0;
    const host = setup(() => (m++ === 0 ? { data: 'host' } : EOF));
    host.instance.nextBatch(host.batch.reset());
    expect(host.batch.timestamps()).toEqual([0n]); // UINT64_MAX, replaced by the decoder's "now"
  });

  it('fails the call after the events already pulled when pull throws, then returns EOF', () => {
    let n = 0;
    const { instance, batch } = setup(() => {
      if (n++ < 2) return { data: `e${n}` };
      throw new Error('the API answered 500');
    });
    expect(() => instance.nextBatch(batch.reset())).toThrow('the API answered 500');
    expect(batch.texts()).toEqual(['e1', 'e2']);
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(n).toBe(3);
  });

  it('a pull that throws nothing (undefined) still fails the call instead of looking like EOF', () => {
    const { instance, batch } = setup(() => {
      throw undefined;
    });
    expect(() => instance.nextBatch(batch.reset())).toThrow(
      'newPullInstance: the source failed without an error',
    );
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
  });

  it('times out between synchronous pulls that take time, like Go', () => {
    const clock = new VirtualClock();
    let n = 0;
    const instance = newPullInstance(
      () => {
        clock.scheduler.frame += 10; // this pull takes 10 ms
        return { data: `e${n++}` };
      },
      { scheduler: clock.scheduler, batchSize: 100, timeout: 30 },
    );
    const batch = new TestBatch(instance.batchOptions);
    expect(instance.nextBatch(batch.reset())).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(['e0', 'e1', 'e2']);
  });
});

describe('newPullInstance: asynchronous pulls in virtual time', () => {
  it('waits for a pending pull and returns when the batch is full', async () => {
    const { pull, calls } = manualPull();
    const { clock, call } = setup(pull, { batchSize: 2 });
    const first = call();
    await clock.advance(5);
    calls[0].resolve({ data: 'a' });
    await clock.advance(5);
    expect(first.settled).toBe(false);
    calls[1].resolve({ data: 'b' });
    await clock.advance(0);
    expect(first).toMatchObject({ settled: true, outcome: undefined, at: 10 });
    expect(calls).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('returns the partial batch with TIMEOUT at exactly the timeout and keeps the pending pull for the next batch', async () => {
    const { pull, calls } = manualPull();
    const { clock, call, batch } = setup(pull, { timeout: 30 });
    const first = call();
    calls[0].resolve({ data: 'a' });
    await clock.advance(29);
    expect(first.settled).toBe(false);
    await clock.advance(1);
    expect(first).toMatchObject({ settled: true, outcome: TIMEOUT, at: 30 });
    expect(batch.texts()).toEqual(['a']);
    expect(calls).toHaveLength(2); // the second pull is still pending, it was not abandoned

    await clock.advance(100);
    calls[1].resolve({ data: 'b' }); // settles between two calls
    await clock.advance(0);
    const second = call();
    expect(calls).toHaveLength(3); // its result was taken at once, and the next pull started
    calls[2].resolve({ data: 'c' });
    await clock.advance(0);
    expect(calls).toHaveLength(4);
    calls[3].resolve(EOF);
    await clock.advance(0);
    expect(second).toMatchObject({ settled: true, outcome: EOF, at: 130 });
    expect(batch.texts()).toEqual(['b', 'c']);
    expect(calls).toHaveLength(4);
  });

  it('delivers a pull that settles after a timed-out call into the next call, nothing lost, nothing duplicated', async () => {
    const { pull, calls } = manualPull();
    const { clock, call, batch } = setup(pull, { timeout: 30, batchSize: 10 });
    const seen: string[] = [];
    for (let round = 0; round < 5; round++) {
      const c = call();
      await clock.advance(30);
      expect(c).toMatchObject({ outcome: TIMEOUT, at: 30 * (round + 1) });
      calls[round].resolve({ data: `r${round}` });
      await clock.advance(0);
      seen.push(...batch.texts());
    }
    // each call found the previous pull settled, wrote its event, started one new pull and timed out on it
    expect(seen).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(calls).toHaveLength(5);
  });

  it('a pending pull that rejects fails the next call after the events before it, then EOF', async () => {
    const { pull, calls } = manualPull();
    const { clock, call, batch, instance } = setup(pull, { timeout: 30 });
    const first = call();
    calls[0].resolve([{ data: 'a' }]);
    await clock.advance(30);
    expect(first.outcome).toBe(TIMEOUT);
    expect(batch.texts()).toEqual(['a']);
    calls[1].reject(new Error('connection reset'));
    await clock.advance(0);
    expect(() => instance.nextBatch(batch.reset())).toThrow('connection reset');
    expect(instance.nextBatch(batch.reset())).toBe(EOF);
    expect(calls).toHaveLength(2);
  });

  it('a pull that rejects while the call waits fails that call with the events pulled before', async () => {
    const { pull, calls } = manualPull();
    const { clock, call, batch } = setup(pull, { timeout: 30 });
    const first = call();
    calls[0].resolve({ data: 'a' });
    await clock.advance(10);
    calls[1].reject(new Error('token expired'));
    await clock.advance(0);
    expect(first).toMatchObject({ settled: true, error: new Error('token expired'), at: 10 });
    expect(batch.texts()).toEqual(['a']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not time out at once after a long pause of the host (no stale tick)', async () => {
    const { pull, calls } = manualPull();
    const { clock, call } = setup(pull, { timeout: 30, batchSize: 2 });
    const first = call();
    await clock.advance(30);
    expect(first).toMatchObject({ outcome: TIMEOUT, at: 30 });
    await clock.advance(10_000); // the host is busy elsewhere for 10 s
    const second = call(); // calls[0] still pending
    await clock.advance(0);
    expect(second.settled).toBe(false);
    calls[0].resolve({ data: 'a' });
    await clock.advance(20);
    calls[1].resolve({ data: 'b' });
    await clock.advance(0);
    expect(second).toMatchObject({ settled: true, outcome: undefined, at: 10_050 });
  });

  it('counts the timeout from the start of each call', async () => {
    const { pull } = manualPull();
    const { clock, call } = setup(pull, { timeout: 25 });
    await clock.advance(7);
    const first = call();
    await clock.advance(100);
    expect(first).toMatchObject({ outcome: TIMEOUT, at: 32 });
    const second = call();
    await clock.advance(100);
    expect(second).toMatchObject({ outcome: TIMEOUT, at: 132 });
    expect(clock.pendingTimers).toBe(0);
  });
});
