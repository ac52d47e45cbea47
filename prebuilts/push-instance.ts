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

  /**
   * @param sourceName - how messages name the source (default `newPushInstance`).
   */
  constructor(source: PushSource, options: PushInstanceOptions = {}, sourceName = 'newPushInstance') {
    const parsed = parseOptions(sourceName, pushOptionsShape, options);
    const classified = classifySource(source);
    if (classified.kind === 'queue' && parsed.bufferSize !== undefined) {
      throw new TypeError(
        'newPushInstance: bufferSize does not apply to a PushQueue source: set its capacity instead',
      );
    }
    if (classified.kind !== 'observable' && parsed.overflow !== undefined) {
      throw new TypeError(
        'newPushInstance: overflow applies to Observable sources only: AsyncIterable, Readable and PushQueue ' +
          'sources never overflow (they are read when there is room, or the producer is told the queue is full)',
      );
    }
    super(sourceName, parsed as ResolvedSourceOptions);
    this.queue =
      classified.kind === 'queue'
        ? classified.queue
        : new PushQueue({ capacity: parsed.bufferSize ?? DEFAULT_PUSH_QUEUE_CAPACITY });
    this.resources.add(() => {
      this.queue.end();
      this.queue.clear();
    });
    if (!this.signal.aborted) this.resources.add(this.feed(classified, parsed.overflow ?? 'error'));
  }

  /** Counters of the events this instance handled. */
  override get stats(): PushStats {
    return { ...super.stats, bufferedEvents: this.queue.length, droppedEvents: this.dropped };
  }

  protected override fill(batch: EventBatch, deadline: Deadline): FillStep {
    const queue = this.queue;
    while (!batch.full && queue.length > 0) this.write(batch, queue.take());
    if (queue.ended && queue.length === 0) {
      if (queue.failed) this.endWithError(queue.error);
      else this.endWithEof();
    }
    return this.idleOutcome(batch, deadline);
  }

  protected override wakeUp(): Observable<unknown> {
    return this.queue.changes;
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
 * - closing the instance, or aborting `signal`, settles a pending call with EOF, unsubscribes the source
 *   and releases every timer.
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
