/**
 * Sentinel outcomes of `nextBatch` with the host's semantics: events written in the same call are delivered
 * first, then the host acts on the sentinel.
 */

/** The source has no more events. Sticky: every later `nextBatch` reports EOF again. */
export const EOF: unique symbol = Symbol.for('falco-plugin-sdk.EOF');
/** No (more) events for now: the host calls `nextBatch` again later. */
export const TIMEOUT: unique symbol = Symbol.for('falco-plugin-sdk.TIMEOUT');

/** The two sentinel values a `nextBatch` may return. */
export type BatchSentinel = typeof EOF | typeof TIMEOUT;

/** An error that carries the EOF sentinel, for code that prefers throwing from deep inside a source. */
export class EndOfStreamError extends Error {
  constructor(message = 'end of stream') {
    super(message);
    this.name = 'EndOfStreamError';
  }
}

/** An error that carries the TIMEOUT sentinel. */
export class BatchTimeoutError extends Error {
  constructor(message = 'timeout') {
    super(message);
    this.name = 'BatchTimeoutError';
  }
}

/** Maps a thrown value to a sentinel, or `undefined` when it is a real failure. */
export function sentinelOf(thrown: unknown): BatchSentinel | undefined {
  if (thrown === EOF || thrown instanceof EndOfStreamError) return EOF;
  if (thrown === TIMEOUT || thrown instanceof BatchTimeoutError) return TIMEOUT;
  return undefined;
}

/** Renders anything thrown as a one-line message for `get_last_error`. */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) {
    return thrown.message || thrown.name;
  }
  if (typeof thrown === 'symbol') {
    return thrown.description ?? 'symbol';
  }
  return String(thrown);
}
