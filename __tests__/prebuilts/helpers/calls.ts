/* Tracking nextBatch calls in virtual time. */
import type { BatchOutcome } from 'falco-plugin-sdk';
import type { VirtualClock } from './virtual-clock';

/** A call's fate: settled or not, its outcome or error, and the virtual time it settled at. */
export interface TrackedCall {
  settled: boolean;
  outcome?: BatchOutcome;
  error?: unknown;
  at?: number;
}

/** Makes a call (which may throw at once or return a promise) and records how and when it settles. */
export function trackCall(
  clock: VirtualClock,
  call: () => BatchOutcome | Promise<BatchOutcome>,
): TrackedCall {
  const state: TrackedCall = { settled: false };
  let result: BatchOutcome | Promise<BatchOutcome>;
  try {
    result = call();
  } catch (error) {
    return Object.assign(state, { settled: true, error, at: clock.now });
  }
  if (!(result instanceof Promise))
    return Object.assign(state, { settled: true, outcome: result, at: clock.now });
  result.then(
    (outcome) => Object.assign(state, { settled: true, outcome, at: clock.now }),
    (error: unknown) => Object.assign(state, { settled: true, error, at: clock.now }),
  );
  return state;
}

/** A promise the test settles by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
