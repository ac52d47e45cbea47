import type { BatchOptions, EventBatch } from '../sdk/event-batch';
import type { BatchOutcome, Closer, NextBatch } from '../capabilities/sourcing/interfaces';

/**
 * The base of a source instance (what `open` returns): batch limits and a no-op `close`. Implement
 * `nextBatch`; add `progress()` for finite sources.
 */
export abstract class BaseInstance implements NextBatch, Closer {
  /**
   * @param batchOptions - most events per batch (default 128) and largest event payload (default 256 KiB).
   */
  constructor(readonly batchOptions: BatchOptions = {}) {}

  /**
   * Writes the next events into `batch`. Return nothing when the batch has events, `TIMEOUT` when no
   * event is ready now, `EOF` when the source is exhausted (events written in the same call are
   * delivered first). A thrown error fails the call; the events already written are still delivered.
   */
  abstract nextBatch(batch: EventBatch): BatchOutcome | Promise<BatchOutcome>;

  /** Releases the instance's resources; the default does nothing. */
  close(): void | Promise<void> {}
}
