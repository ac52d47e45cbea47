import { BatchFullError, type EventBatch } from '../lib/index';
import { errorMessage } from '../lib/sdk/errors';
import { describeValue, isSourceEvent } from './source-event';

/** An event a prebuilt source could not write into the batch; `cause` is the batch's own error, if any. */
export class InvalidEventError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * Writes one source event into the batch.
 *
 * @param source - the prebuilt that produced the event, named in the error message.
 * @returns `undefined` when written, otherwise the error that says why the event was refused (nothing was
 *   written).
 * @throws BatchFullError when the batch is full: callers check `batch.full` first.
 */
export function writeSourceEvent(
  batch: EventBatch,
  event: unknown,
  source: string,
): InvalidEventError | undefined {
  if (!isSourceEvent(event)) {
    return new InvalidEventError(
      `${source}: not an event: expected {data: Uint8Array | string, timestamp?}, got ${describeValue(event)}`,
    );
  }
  try {
    batch.write(event.data, event.timestamp);
    return undefined;
  } catch (err) {
    if (err instanceof BatchFullError) throw err;
    const hint =
      (err as Error | null)?.name === 'EventTooLargeError'
        ? ' (raise maxEventSize, or set invalidEvents: "skip")'
        : '';
    return new InvalidEventError(`${source}: event refused: ${errorMessage(err)}${hint}`, err);
  }
}

/** Why `checkSourceEvent` refused an event: its payload is too large, or it is not a writable event. */
export type EventProblem =
  | {
      /** The payload is larger than `maxEventSize`. */
      readonly kind: 'tooLarge';
      /** The payload's size, in bytes. */
      readonly size: number;
      /** What is wrong, with both sizes. */
      readonly message: string;
    }
  | {
      /** Not an event (`{data, timestamp?}`), or its timestamp is invalid. */
      readonly kind: 'invalid';
      /** What is wrong. */
      readonly message: string;
    };

/**
 * Checks, without a batch, that an event would be written by a batch whose largest payload is
 * `maxEventSize`: the same checks as `EventBatch.write` (payload size, timestamp), so a producer can refuse
 * an event before it acknowledges it.
 *
 * @returns `undefined` when the event would be written, otherwise the problem.
 */
export function checkSourceEvent(event: unknown, maxEventSize: number): EventProblem | undefined {
  if (!isSourceEvent(event)) {
    return {
      kind: 'invalid',
      message: `not an event: expected {data: Uint8Array | string, timestamp?}, got ${describeValue(event)}`,
    };
  }
  const { data, timestamp } = event;
  const size = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
  if (size > maxEventSize) {
    return {
      kind: 'tooLarge',
      size,
      message: `event of ${size} bytes exceeds the maximum event size of ${maxEventSize} bytes`,
    };
  }
  if (typeof timestamp === 'number' && (!Number.isFinite(timestamp) || timestamp < 0)) {
    return { kind: 'invalid', message: `timestamp ${timestamp} is not a non-negative number of nanoseconds` };
  }
  if (timestamp instanceof Date && !Number.isFinite(timestamp.getTime())) {
    return { kind: 'invalid', message: 'timestamp is an invalid Date' };
  }
  if (
    timestamp !== undefined &&
    !['number', 'bigint'].includes(typeof timestamp) &&
    !(timestamp instanceof Date)
  ) {
    return {
      kind: 'invalid',
      message: `timestamp must be a bigint, a number or a Date, got ${describeValue(timestamp)}`,
    };
  }
  return undefined;
}
