import type { Readable } from 'node:stream';
import {
  firstValueFrom,
  isObservable,
  race,
  Subject,
  takeWhile,
  type Observable,
  type Subscription,
  type TeardownLogic,
} from 'rxjs';
import { PushQueue } from './push-queue';
import { describeValue, type SourceEvent } from './source-event';
import { ContractTypeError } from '../lib/sdk/errors';

/**
 * Where a push instance's events come from: an RxJS Observable, an AsyncIterable (an async generator, a
 * stream of messages), an object-mode Node Readable, or a `PushQueue` fed by the plugin's own code.
 * Completion is EOF; an error ends the source after the events already produced are delivered.
 */
export type PushSource = Observable<SourceEvent> | AsyncIterable<SourceEvent> | Readable | PushQueue;

/**
 * What a push instance does when an Observable emits into a full buffer (AsyncIterable and Readable
 * sources are read only when there is room, so they never overflow):
 *
 * - `'error'` (default): the source ends with a `PushOverflowError` after the buffered events are
 *   delivered; nothing is dropped silently;
 * - `'drop-newest'` / `'drop-oldest'`: the arriving / the oldest buffered event is dropped and counted in
 *   `stats.droppedEvents`.
 */
export type OverflowPolicy = 'error' | 'drop-newest' | 'drop-oldest';

/** An Observable source emitted into a full buffer under `overflow: 'error'`. */
export class PushOverflowError extends Error {
  constructor(
    /** The buffer's capacity, in events (the instance's `bufferSize`). */
    readonly capacity: number,
  ) {
    super(
      `newPushInstance: the buffer is full (${capacity} events wait for the host): the source emits faster than ` +
        `next_batch consumes, so it was ended; raise bufferSize, or set overflow: "drop-oldest" or "drop-newest" ` +
        `to drop (and count) events instead`,
    );
    this.name = 'PushOverflowError';
  }
}

/** How a source was classified. */
export type ClassifiedSource =
  | { readonly kind: 'queue'; readonly queue: PushQueue }
  | { readonly kind: 'observable'; readonly observable: Observable<SourceEvent> }
  | { readonly kind: 'readable'; readonly readable: Readable }
  | { readonly kind: 'iterable'; readonly iterable: AsyncIterable<SourceEvent> };

function isReadable(value: unknown): value is Readable {
  const candidate = value as Partial<Readable> | null;
  return (
    typeof candidate?.pipe === 'function' &&
    typeof candidate.read === 'function' &&
    typeof candidate.destroy === 'function' &&
    typeof candidate.readableObjectMode === 'boolean'
  );
}

/**
 * Tells which kind of source a value is.
 *
 * @throws TypeError for anything else, or a Readable not in object mode.
 */
export function classifySource(source: unknown): ClassifiedSource {
  if (source instanceof PushQueue) return { kind: 'queue', queue: source };
  if (isObservable(source)) return { kind: 'observable', observable: source as Observable<SourceEvent> };
  if (isReadable(source)) {
    if (!source.readableObjectMode) {
      throw new ContractTypeError(
        'newPushInstance: the Readable must be in object mode and emit {data, timestamp?} events; ' +
          'split a byte stream into events first (e.g. with readline)',
      );
    }
    return { kind: 'readable', readable: source };
  }
  if (typeof (source as AsyncIterable<SourceEvent> | null)?.[Symbol.asyncIterator] === 'function') {
    return { kind: 'iterable', iterable: source as AsyncIterable<SourceEvent> };
  }
  throw new ContractTypeError(
    `newPushInstance: the source must be an RxJS Observable, an AsyncIterable, an object-mode Readable or a ` +
      `PushQueue, got ${describeValue(source)}`,
  );
}

/**
 * Feeds an Observable into the queue, applying the overflow policy. Returns the subscription (the caller
 * releases it when the instance stops).
 */
export function feedFromObservable(
  observable: Observable<SourceEvent>,
  queue: PushQueue,
  overflow: OverflowPolicy,
  onDrop: () => void,
): Subscription {
  return observable.pipe(takeWhile(() => !queue.ended)).subscribe({
    next: (event) => {
      if (queue.offer(event) !== 'full') return;
      if (overflow === 'drop-newest') {
        onDrop();
      } else if (overflow === 'drop-oldest') {
        queue.take();
        queue.offer(event);
        onDrop();
      } else {
        queue.fail(new PushOverflowError(queue.capacity));
      }
    },
    error: (error: unknown) => queue.fail(error),
    complete: () => queue.end(),
  });
}

/**
 * Reads an AsyncIterable into the queue, one event at a time and only when the queue has room: the
 * iterable is paused rather than any event dropped. Returns the teardown that stops reading (and calls
 * the iterator's `return`, or `stopReadable` for a stream).
 */
export function feedFromAsyncIterable(
  iterable: AsyncIterable<SourceEvent>,
  queue: PushQueue,
  stopReadable?: () => void,
): TeardownLogic {
  const iterator = iterable[Symbol.asyncIterator]();
  const halted = new Subject<void>();
  let stopped = false;
  const read = async () => {
    try {
      for (;;) {
        if (stopped) return;
        if (queue.full) {
          await firstValueFrom(race(queue.drained, halted));
          continue;
        }
        const step = await iterator.next();
        if (stopped) return;
        if (step.done) {
          queue.end();
          return;
        }
        queue.offer(step.value);
      }
    } catch (error) {
      if (!stopped) queue.fail(error);
    }
  };
  void read();
  return () => {
    stopped = true;
    halted.next();
    if (stopReadable) {
      stopReadable();
    } else {
      Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => undefined);
    }
  };
}
