/** The plugin callbacks the host calls with a deadline, in the order the library's payload lists them. */
export const DEADLINE_CALLBACKS = [
  'init',
  'open',
  'nextBatch',
  'extract',
  'eventToString',
  'progress',
  'listOpenParams',
  'close',
  'destroy',
  'parseEvent',
  'captureOpen',
  'captureClose',
  'routine',
  'setConfig',
  'setAsyncHandler',
  'dumpState',
] as const;

/** A plugin callback with a deadline. */
export type DeadlineCallback = (typeof DEADLINE_CALLBACKS)[number];

/**
 * Default deadlines in milliseconds. Past its deadline a call's JavaScript is stopped (an endless loop, a
 * Promise that never settles) and the call fails naming the callback; the plugin state stays usable.
 */
export const DEFAULT_CALL_DEADLINES_MS: Readonly<Record<DeadlineCallback, number>> = Object.freeze({
  init: 30_000,
  open: 30_000,
  nextBatch: 10_000,
  extract: 2_000,
  eventToString: 2_000,
  progress: 2_000,
  listOpenParams: 10_000,
  close: 10_000,
  destroy: 10_000,
  parseEvent: 2_000,
  captureOpen: 10_000,
  captureClose: 10_000,
  routine: 10_000,
  setConfig: 30_000,
  setAsyncHandler: 10_000,
  dumpState: 30_000,
});

/** The longest deadline accepted (one hour); 0 means none. */
export const MAX_CALL_DEADLINE_MS = 3_600_000;

/**
 * The deadline of every callback, in `DEADLINE_CALLBACKS` order: the given ones over the defaults.
 *
 * @param problems - receives one line per invalid entry.
 */
export function resolveCallDeadlines(
  given: Partial<Record<DeadlineCallback, number>> | undefined,
  problems: string[],
): number[] {
  for (const key of Object.keys(given ?? {})) {
    if (!(DEADLINE_CALLBACKS as readonly string[]).includes(key)) {
      problems.push(
        `callDeadlinesMs.${key} is not a callback with a deadline (${DEADLINE_CALLBACKS.join(', ')})`,
      );
    }
  }
  return DEADLINE_CALLBACKS.map((callback) => {
    const ms = given?.[callback] ?? DEFAULT_CALL_DEADLINES_MS[callback];
    if (!Number.isInteger(ms) || ms < 0 || ms > MAX_CALL_DEADLINE_MS) {
      problems.push(
        `callDeadlinesMs.${callback} must be an integer from 0 (none) to ${MAX_CALL_DEADLINE_MS} ms`,
      );
      return DEFAULT_CALL_DEADLINES_MS[callback];
    }
    return ms;
  });
}

/**
 * The default JavaScript heap limit of each plugin state, MiB. Reaching it stops that state (the call
 * fails with `out of memory in <callback>`, later calls fail fast); the host and other states go on.
 */
export const DEFAULT_HEAP_LIMIT_MIB = 1024;
