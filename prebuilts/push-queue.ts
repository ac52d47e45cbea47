import { Subject, type Observable } from 'rxjs';
import type { SourceEvent } from './source-event';
import { ContractRangeError } from '../lib/sdk/errors';

/** What `PushQueue.offer` did: `queued`, refused because the queue is `full`, or because it has `ended`. */
export type OfferResult = 'queued' | 'full' | 'ended';

/** Taken slots at the front of an array before it is compacted (amortized O(1) per event). */
const COMPACT_AFTER = 1024;

/**
 * Told what became of the events of one `offer` / `offerAll` call, exactly once: `delivered` when the last
 * of them is taken out of the queue (by `take`: for a push instance, into a batch `nextBatch` returns; an
 * event the batch refuses counts as taken, so check events before offering them), or `notDelivered` when
 * the queue is emptied by `clear` before that.
 *
 * The queue calls it synchronously, from inside `take`, `clear` or (for an empty `offerAll`) the offer
 * itself, so it should only record the outcome or answer the producer; it must not throw (an exception is
 * reported as an uncaught error and the queue goes on).
 *
 * @example
 * queue.offerAll(events, {
 *   delivered: () => reply(200),
 *   notDelivered: (taken, total) => reply(503, `${taken} of ${total} delivered`),
 * });
 */
export interface DeliveryReceipt {
  /** Every event of the offer was taken out of the queue (at once for an offer of no events). */
  delivered(): void;
  /**
   * The queue was cleared before every event of the offer was taken: `taken` of its `total` events had
   * been taken (the first ones, in order), the others were dropped.
   */
  notDelivered(taken: number, total: number): void;
}

/** Reports an exception of a receipt without breaking the queue operation that called it. */
function reportReceiptError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** Default capacity of a push queue, in events. */
export const DEFAULT_PUSH_QUEUE_CAPACITY = 1024;

/**
 * A bounded FIFO of events between a producer and a push instance. `offer` never blocks and never drops:
 * it says whether the event was queued, so the producer decides what a full queue means (an HTTP 429, a
 * retry, a drop it counts). Give it to `newPushInstance` as the source.
 *
 * A producer that must know when its events reach the host passes a `DeliveryReceipt` with the offer: it
 * is told `delivered` once the last of those events is taken (a push instance takes events only into the
 * batch it returns), or `notDelivered` with how many were taken if the queue is cleared first. One receipt
 * per offer, whatever its number of events; the queue keeps no more than the receipts still waiting, and
 * each `take` settles at most one (O(1) amortized per event).
 *
 * @example
 * const queue = new PushQueue({ capacity: 1000 });
 * client.on('message', (m) => { if (queue.offer({ data: m }) !== 'queued') rejected++; });
 * return newPushInstance(queue);
 */
export class PushQueue {
  /** Most events the queue holds. */
  readonly capacity: number;
  /** The events, oldest at `head`; slots before `head` are already taken (compacted as the queue drains). */
  private items: (SourceEvent | undefined)[] = [];
  private head = 0;
  /** Events taken out since the queue was created: the absolute position of the event at `head`. */
  private takenTotal = 0;
  /** Receipts still waiting, oldest at `receiptHead`, with the absolute end (exclusive) and size of their events. */
  private receipts: (DeliveryReceipt | undefined)[] = [];
  private receiptEnds: number[] = [];
  private receiptSizes: number[] = [];
  private receiptHead = 0;
  private ending: { readonly error?: unknown } | undefined;
  private readonly added = new Subject<void>();
  private readonly taken = new Subject<void>();

  /**
   * Memory is proportional to the events held, not to the capacity: nothing is preallocated.
   *
   * @param options.capacity - most events held (default 1024).
   * @throws RangeError when the capacity is not a positive integer.
   */
  constructor(options: { readonly capacity?: number } = {}) {
    const capacity = options.capacity ?? DEFAULT_PUSH_QUEUE_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity <= 0) {
      throw new ContractRangeError(`PushQueue: capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  private get count(): number {
    return this.items.length - this.head;
  }

  /** Events waiting. */
  get length(): number {
    return this.count;
  }

  /** Room left, in events. */
  get free(): number {
    return this.capacity - this.count;
  }

  /** Receipts whose events are not all taken yet. */
  get waitingReceipts(): number {
    return this.receipts.length - this.receiptHead;
  }

  /** Whether no more event fits. */
  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Whether `end` or `fail` was called: no more events are accepted. */
  get ended(): boolean {
    return this.ending !== undefined;
  }

  /** Whether the queue ended with `fail`. */
  get failed(): boolean {
    return this.ending !== undefined && 'error' in this.ending;
  }

  /** The error given to `fail`, once the queue has failed. */
  get error(): unknown {
    return this.ending?.error;
  }

  /** Emits after events were added, or the queue ended. */
  get changes(): Observable<void> {
    return this.added;
  }

  /** Emits after events were taken out (room was made). */
  get drained(): Observable<void> {
    return this.taken;
  }

  /**
   * Queues one event, unless the queue is full or ended.
   *
   * @param receipt - told when the event is taken, or that it was not (see `DeliveryReceipt`); only when
   *   the result is `'queued'`.
   */
  offer(event: SourceEvent, receipt?: DeliveryReceipt): OfferResult {
    if (this.ending) return 'ended';
    if (this.count >= this.capacity) return 'full';
    this.push(event);
    if (receipt) this.register(receipt, 1);
    this.added.next();
    return 'queued';
  }

  /**
   * Queues all the events or none of them (when they do not all fit, or the queue ended).
   *
   * @param receipt - told when the last of the events is taken, or how many were if the queue is cleared
   *   first (see `DeliveryReceipt`); only when the result is `'queued'`. With no events it is told
   *   `delivered` before `offerAll` returns.
   */
  offerAll(events: readonly SourceEvent[], receipt?: DeliveryReceipt): OfferResult {
    if (this.ending) return 'ended';
    if (events.length > this.capacity - this.count) return 'full';
    for (const event of events) this.push(event);
    if (receipt) {
      if (events.length === 0) settleDelivered(receipt);
      else this.register(receipt, events.length);
    }
    if (events.length > 0) this.added.next();
    return 'queued';
  }

  /**
   * Takes the oldest event out, or `undefined` when the queue is empty. Taking the last event of an offer
   * made with a receipt tells it `delivered` (before `take` returns): take events only to deliver them.
   */
  take(): SourceEvent | undefined {
    if (this.count === 0) return undefined;
    const wasFull = this.count >= this.capacity;
    const event = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    this.takenTotal++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    // offers hold at least one event each, so one take completes at most one receipt
    if (this.receiptHead < this.receipts.length && this.receiptEnds[this.receiptHead] <= this.takenTotal) {
      const receipt = this.receipts[this.receiptHead] as DeliveryReceipt;
      this.receipts[this.receiptHead] = undefined;
      this.receiptHead++;
      this.compactReceipts();
      settleDelivered(receipt);
    }
    if (wasFull) this.taken.next();
    return event;
  }

  /** Ends the queue: the source returns EOF once the queued events are delivered. */
  end(): void {
    if (this.ending) return;
    this.ending = {};
    this.added.next();
  }

  /**
   * Ends the queue with an error: the queued events are delivered, then `next_batch` fails with the error,
   * then the source returns EOF.
   */
  fail(error: unknown): void {
    if (this.ending) return;
    this.ending = { error: error ?? new Error('the push source failed') };
    this.added.next();
  }

  /**
   * Empties the queue; returns how many events it held. Every receipt still waiting is told
   * `notDelivered`, with how many of its events had been taken, oldest offer first.
   */
  clear(): number {
    const dropped = this.count;
    const { receipts, receiptEnds, receiptSizes, receiptHead, takenTotal } = this;
    this.items = [];
    this.head = 0;
    this.receipts = [];
    this.receiptEnds = [];
    this.receiptSizes = [];
    this.receiptHead = 0;
    for (let i = receiptHead; i < receipts.length; i++) {
      const total = receiptSizes[i];
      const taken = Math.max(0, takenTotal - (receiptEnds[i] - total));
      try {
        (receipts[i] as DeliveryReceipt).notDelivered(taken, total);
      } catch (err) {
        reportReceiptError(err);
      }
    }
    return dropped;
  }

  private push(event: SourceEvent): void {
    this.items.push(event);
  }

  /** Waits `receipt` on the `size` events just pushed. */
  private register(receipt: DeliveryReceipt, size: number): void {
    this.receipts.push(receipt);
    this.receiptEnds.push(this.takenTotal + this.count);
    this.receiptSizes.push(size);
  }

  private compactReceipts(): void {
    const head = this.receiptHead;
    if (head === this.receipts.length) {
      this.receipts = [];
      this.receiptEnds = [];
      this.receiptSizes = [];
      this.receiptHead = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= this.receipts.length) {
      this.receipts = this.receipts.slice(head);
      this.receiptEnds = this.receiptEnds.slice(head);
      this.receiptSizes = this.receiptSizes.slice(head);
      this.receiptHead = 0;
    }
  }
}

function settleDelivered(receipt: DeliveryReceipt): void {
  try {
    receipt.delivered();
  } catch (err) {
    reportReceiptError(err);
  }
}
