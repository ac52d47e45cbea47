/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Whether a callback that must answer synchronously returned a Promise instead; if so, the Promise is
 * marked handled, since the call reports it as a wrong value (its rejection would otherwise be reported
 * a second time as unhandled).
 */
export function isUnawaitedPromise(value: unknown): boolean {
  if (!isThenable(value)) return false;
  (value as Promise<unknown>).then(undefined, () => undefined);
  return true;
}

/**
 * Runs `step`, then `onValue` with its result, synchronously when the step is synchronous (the hot path
 * allocates no promise) and after it settles otherwise. Anything `step` or `onValue` throws or rejects
 * goes to `onError`.
 */
export function settle<T, R>(
  step: () => MaybePromise<T>,
  onValue: (value: T) => R,
  onError: (error: unknown) => R,
): MaybePromise<R> {
  const guarded = (value: T): R => {
    try {
      return onValue(value);
    } catch (err) {
      return onError(err);
    }
  };
  let result: MaybePromise<T>;
  try {
    result = step();
  } catch (err) {
    return onError(err);
  }
  return isThenable(result) ? result.then(guarded, onError) : guarded(result);
}
