import { z } from 'zod';
import type { Observable, TeardownLogic } from 'rxjs';
import type { EventBatch } from '../lib/index';
import type { Deadline } from './deadline';
import { DEFAULT_PUSH_QUEUE_CAPACITY, PushQueue } from './push-queue';
import {
  classifySource,
  feedFromAsyncIterable,
  feedFromObservable,
  type ClassifiedSource,
  type OverflowPolicy,
  type PushSource,
} from './push-sources';
import { SourceInstance, type FillStep, type SourceStats } from './source-instance';
import {
  parseOptions,
  sourceOptionsShape,
  type ResolvedSourceOptions,
  type SourceInstanceOptions,
} from './source-options';
import { ContractTypeError } from '../lib/sdk/errors';

/** Options of `newPushInstance`. */
export interface PushInstanceOptions extends SourceInstanceOptions {
  /**
   * Most events buffered between the source and the host (default 1024). Not for a `PushQueue` source,
   * which has its own capacity.
   */
  readonly bufferSize?: number;
  /** What an Observable source emitting into a full buffer does (default `'error'`). Observables only. */
  readonly overflow?: OverflowPolicy;
}

/** Counters of a push instance. */
export interface PushStats extends SourceStats {
  /** Events waiting in the buffer. */
  readonly bufferedEvents: number;
  /** Events dropped by the overflow policy (`'drop-newest'` / `'drop-oldest'` only). */
  readonly droppedEvents: number;
  /**
   * Events buffered when the instance stopped and not delivered since: later `nextBatch` calls return
   * them before EOF; a host that stops calling loses them (and they were logged once at the stop).
   */
  readonly undeliveredEvents: number;
}

const pushOptionsShape = {
  ...sourceOptionsShape,
  bufferSize: z.number().int().positive().optional(),
  overflow: z.enum(['error', 'drop-newest', 'drop-oldest']).optional(),
};

/**
 * A source instance fed by a push source (the Go SDK's `NewPushInstance`): events are buffered as they
 * arrive, and each `nextBatch` takes them until the batch is full or the timeout passes. Create it with
 * `newPushInstance`.
 */
export class PushInstance extends SourceInstance {
  /** The buffer between the source and the host. */
  protected readonly queue: PushQueue;
  private dropped = 0;
  private discarded = 0;

  /**
   * @param sourceName - how messages name the source (default `newPushInstance`).
   */
  constructor(source: PushSource, options: PushInstanceOptions = {}, sourceName = 'newPushInstance') {
    const parsed = parseOptions(sourceName, pushOptionsShape, options);
    const classified = classifySource(source);
    if (classified.kind === 'queue' && parsed.bufferSize !== undefined) {
      throw new ContractTypeError(
        'newPushInstance: bufferSize does not apply to a PushQueue source: set its capacity instead',
      );
    }
    if (classified.kind !== 'observable' && parsed.overflow !== undefined) {
      throw new ContractTypeError(
        'newPushInstance: overflow applies to Observable sources only: AsyncIterable, Readable and PushQueue ' +
          'sources never overflow (they are read when there is room, or the producer is told the queue is full)',
      );
    }
    super(sourceName, parsed as ResolvedSourceOptions);
    this.queue =
      classified.kind === 'queue'
        ? classified.queue
        : new PushQueue({ capacity: parsed.bufferSize ?? DEFAULT_PUSH_QUEUE_CAPACITY });
    this.resources.add(() => this.release());
    if (!this.signal.aborted) this.resources.add(this.feed(classified, parsed.overflow ?? 'error'));
  }

  /** Counters of the events this instance handled. */
  override get stats(): PushStats {
    return {
      ...super.stats,
      bufferedEvents: this.queue.length,
      droppedEvents: this.dropped,
      undeliveredEvents: this.signal.aborted || this.eofDelivered ? this.queue.length + this.discarded : 0,
    };
  }

  protected override get hasUndelivered(): boolean {
    return this.queue.length > 0 && !this.eofDelivered;
  }

  /** @internal */
  protected override fill(batch: EventBatch, deadline: Deadline): FillStep {
    const queue = this.queue;
    while (!batch.full && queue.length > 0) this.write(batch, queue.take());
    if (queue.ended && queue.length === 0) {
      if (queue.failed) this.endWithError(queue.error);
      else this.endWithEof();
    }
    return this.idleOutcome(batch, deadline);
  }

  /** @internal */
  protected override wakeUp(): Observable<unknown> {
    return this.queue.changes;
  }

  /**
   * Drops every buffered event (the queue's waiting receipts are told `notDelivered`) and counts them in
   * `stats.undeliveredEvents`; returns how many were dropped. For a subclass that knows they can never be
   * delivered (the host closed the instance and calls `nextBatch` no more).
   */
  protected discardBuffered(): number {
    const dropped = this.queue.clear();
    this.discarded += dropped;
    return dropped;
  }

  /**
   * The warning logged when the instance stops with `left` events buffered that later `nextBatch` calls
   * can still deliver (the drain). Subclasses say what it means for their producers.
   */
  protected drainWarning(left: number): string {
    return (
      `${this.sourceName}: stopped with ${left} events buffered but not yet delivered: next_batch returns them ` +
      `before EOF; they are lost if the host stops calling it`
    );
  }

  /**
   * At the stop: ends the queue (no event is accepted any more) and keeps what it holds for the drain —
   * unless EOF was already returned, then those events can never be delivered. Logs once what is left.
   */
  private release(): void {
    this.queue.end();
    const left = this.queue.length;
    if (left === 0) return;
    if (this.eofDelivered) {
      this.discardBuffered();
      this.warn(
        `${this.sourceName}: ${left} buffered events were discarded: the source ended before delivering them`,
      );
    } else {
      this.warn(this.drainWarning(left));
    }
  }

  /** Starts moving the source's events into the queue; returns what stops it. */
  private feed(classified: ClassifiedSource, overflow: OverflowPolicy): TeardownLogic {
    switch (classified.kind) {
      case 'observable':
        return feedFromObservable(classified.observable, this.queue, overflow, () => this.dropped++);
      case 'readable':
        return feedFromAsyncIterable(classified.readable, this.queue, () => classified.readable.destroy());
      case 'iterable':
        return feedFromAsyncIterable(classified.iterable, this.queue);
      case 'queue':
        return undefined;
    }
  }
}

/**
 * Creates a source instance fed by a push source, with the Go SDK's `NewPushInstance` semantics and its
 * defects fixed:
 *
 * - each `nextBatch` takes buffered events until the batch is full (SUCCESS) or the timeout passes
 *   (TIMEOUT, with the events taken so far, possibly none);
 * - completion of the source is EOF (sticky) once the buffered events are delivered; an error is reported
 *   by `next_batch` after them, then EOF;
 * - the buffer is bounded (`bufferSize`); AsyncIterable and Readable sources are read only when it has
 *   room, an Observable that overflows it ends the source with a clear error unless a dropping `overflow`
 *   policy is chosen (then drops are counted in `stats.droppedEvents`);
 * - an oversized event fails one call with a clear message and the source goes on (`invalidEvents`);
 * - the timeout counts from the start of each call (no stale ticks after a long pause of the host);
 * - closing the instance, or aborting `signal`, unsubscribes the source and releases every timer; the
 *   events already buffered stay deliverable (the drain: later calls return them, then EOF), and a call
 *   pending with nothing buffered settles with EOF. Events still buffered at the stop are logged once and
 *   counted in `stats.undeliveredEvents` (a host that stops calling `next_batch` loses them).
 *
 * @example
 * open() {
 *   return newPushInstance(interval(100).pipe(map((n) => ({ data: `tick ${n}` }))));
 * }
 *
 * @throws TypeError for a bad source or bad options, naming the problem.
 */
export function newPushInstance(source: PushSource, options: PushInstanceOptions = {}): PushInstance {
  return new PushInstance(source, options);
}
