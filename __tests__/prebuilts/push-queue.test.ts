/* PushQueue delivery receipts: told once, when the last event of their offer is taken, or how many were
   taken when the queue is cleared first; refused offers keep none; O(1) amortized bookkeeping. */
import {
  newPushInstance,
  PushQueue,
  type DeliveryReceipt,
  type SourceEvent,
} from 'falco-plugin-sdk/prebuilts';
import { TestBatch } from './helpers/batches';

const event = (data: string): SourceEvent => ({ data });
const events = (...data: string[]) => data.map(event);

/** A receipt that records what it was told. */
function recorder(name: string, log: string[]): DeliveryReceipt {
  return {
    delivered: () => void log.push(`${name} delivered`),
    notDelivered: (taken, total) => void log.push(`${name} not delivered, ${taken} of ${total} taken`),
  };
}

describe('PushQueue receipts', () => {
  it('tells a receipt delivered when the last event of its offer is taken, inside that take', () => {
    const queue = new PushQueue({ capacity: 10 });
    const log: string[] = [];
    expect(queue.offerAll(events('a1', 'a2', 'a3'), recorder('a', log))).toBe('queued');
    expect(queue.offer(event('b1'), recorder('b', log))).toBe('queued');
    expect(queue.offerAll(events('c1', 'c2'))).toBe('queued'); // no receipt
    expect(queue.waitingReceipts).toBe(2);
    const taken: string[] = [];
    const take = () => {
      const e = queue.take();
      taken.push(String(e?.data));
      log.push(`took ${String(e?.data)}`);
    };
    take();
    take();
    expect(log).toEqual(['took a1', 'took a2']);
    take();
    expect(log).toEqual(['took a1', 'took a2', 'a delivered', 'took a3']); // before take returned
    take();
    take();
    take();
    expect(log.filter((l) => l.endsWith('delivered'))).toEqual(['a delivered', 'b delivered']);
    expect(taken).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2']);
    expect(queue.waitingReceipts).toBe(0);
  });

  it('tells an offer of no events delivered before offerAll returns', () => {
    const queue = new PushQueue({ capacity: 1 });
    const log: string[] = [];
    expect(queue.offerAll([], recorder('empty', log))).toBe('queued');
    expect(log).toEqual(['empty delivered']);
    expect(queue.waitingReceipts).toBe(0);
  });

  it('keeps no receipt for a refused offer (full or ended)', () => {
    const queue = new PushQueue({ capacity: 2 });
    const log: string[] = [];
    expect(queue.offerAll(events('a', 'b', 'c'), recorder('big', log))).toBe('full');
    expect(queue.offerAll(events('a', 'b'), recorder('fits', log))).toBe('queued');
    expect(queue.offer(event('c'), recorder('one', log))).toBe('full');
    queue.end();
    expect(queue.offerAll([], recorder('late', log))).toBe('ended');
    expect(queue.waitingReceipts).toBe(1);
    queue.take();
    queue.take();
    expect(log).toEqual(['fits delivered']);
  });

  it('clear tells every waiting receipt how many of its events were taken, oldest first, once', () => {
    const queue = new PushQueue({ capacity: 10 });
    const log: string[] = [];
    queue.offerAll(events('a1', 'a2'), recorder('a', log));
    queue.offerAll(events('b1', 'b2', 'b3', 'b4'), recorder('b', log));
    queue.offer(event('c1'), recorder('c', log));
    queue.take();
    queue.take();
    queue.take(); // a delivered, 1 of b's 4 taken
    expect(queue.clear()).toBe(4);
    expect(log).toEqual(['a delivered', 'b not delivered, 1 of 4 taken', 'c not delivered, 0 of 1 taken']);
    expect(queue.waitingReceipts).toBe(0);
    expect(queue.clear()).toBe(0);
    expect(log).toHaveLength(3);
    // the queue goes on: positions stay right after a clear
    queue.offerAll(events('d1', 'd2'), recorder('d', log));
    queue.take();
    expect(log).toHaveLength(3);
    queue.take();
    expect(log[3]).toBe('d delivered');
  });

  it('settles thousands of receipts in order while compacting, and holds none once drained', () => {
    const queue = new PushQueue({ capacity: 100_000 });
    const settled: number[] = [];
    const receipt = (n: number): DeliveryReceipt => ({
      delivered: () => void settled.push(n),
      notDelivered: () => void settled.push(-n),
    });
    let offered = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) queue.offerAll(events('x', 'y'), receipt(offered++));
      for (let i = 0; i < 4000; i++) queue.take(); // takes 2000 offers, leaves 1000 waiting per round
    }
    expect(queue.waitingReceipts).toBe(5000);
    expect(settled).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    queue.take(); // half of the next offer
    queue.clear();
    expect(settled).toHaveLength(15_000);
    expect(settled.slice(10_000, 10_002)).toEqual([-10_000, -10_001]);
    expect(queue.waitingReceipts).toBe(0);
  });

  it('a receipt that throws does not break the take: the error is reported asynchronously', async () => {
    const queue = new PushQueue({ capacity: 4 });
    const reported: unknown[] = [];
    const spy = jest.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => {
      try {
        callback();
      } catch (err) {
        reported.push(err);
      }
    });
    try {
      queue.offer(event('a'), {
        delivered: () => {
          throw new Error('receipt failed');
        },
        notDelivered: () => undefined,
      });
      expect(queue.take()).toEqual({ data: 'a' });
      expect(reported).toEqual([new Error('receipt failed')]);
    } finally {
      spy.mockRestore();
    }
  });

  it('a push instance tells receipts delivered as nextBatch takes events into its batch', async () => {
    const queue = new PushQueue({ capacity: 10 });
    const instance = newPushInstance(queue, { batchSize: 2, timeout: 1 });
    const log: string[] = [];
    queue.offerAll(events('a1', 'a2', 'a3'), recorder('a', log));
    const batch = new TestBatch(instance.batchOptions);
    expect(instance.nextBatch(batch.reset())).toBeUndefined();
    expect(batch.texts()).toEqual(['a1', 'a2']);
    expect(log).toEqual([]);
    await instance.nextBatch(batch.reset());
    expect(batch.texts()).toEqual(['a3']);
    expect(log).toEqual(['a delivered']);
    await instance.close();
  });
});
