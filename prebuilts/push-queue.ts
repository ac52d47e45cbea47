import { Subject, type Observable } from 'rxjs';
import type { SourceEvent } from './source-event';

/** What `PushQueue.offer` did: `queued`, refused because the queue is `full`, or because it has `ended`. */
export type OfferResult = 'queued' | 'full' | 'ended';

/** Taken slots at the front of the array before it is compacted (amortized O(1) per event). */
const COMPACT_AFTER = 1024;

/** Default capacity of a push queue, in events. */
export const DEFAULT_PUSH_QUEUE_CAPACITY = 1024;

/**
 * A bounded FIFO of events between a producer and a push instance. `offer` never blocks and never drops:
 * it says whether the event was queued, so the producer decides what a full queue means (an HTTP 429, a
 * retry, a drop it counts). Give it to `newPushInstance` as the source.
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
      throw new RangeError(`PushQueue: capacity must be a positive integer, got ${capacity}`);
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

  /** Queues one event, unless the queue is full or ended. */
  offer(event: SourceEvent): OfferResult {
    if (this.ending) return 'ended';
    if (this.count >= this.capacity) return 'full';
    this.push(event);
    this.added.next();
    return 'queued';
  }

  /** Queues all the events or none of them (when they do not all fit, or the queue ended). */
  offerAll(events: readonly SourceEvent[]): OfferResult {
    if (this.ending) return 'ended';
    if (events.length > this.capacity - this.count) return 'full';
    for (const event of events) this.push(event);
    if (events.length > 0) this.added.next();
    return 'queued';
  }

  /** Takes the oldest event out, or `undefined` when the queue is empty. */
  take(): SourceEvent | undefined {
    if (this.count === 0) return undefined;
    const wasFull = this.count >= this.capacity;
    const event = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
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

  /** Empties the queue; returns how many events it held. */
  clear(): number {
    const dropped = this.count;
    this.items = [];
    this.head = 0;
    return dropped;
  }

  private push(event: SourceEvent): void {
    this.items.push(event);
  }
}
