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
