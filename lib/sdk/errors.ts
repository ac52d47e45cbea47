/**
 * Sentinel outcomes of `nextBatch` with the host's semantics: events written in the same call are delivered
 * first, then the host acts on the sentinel.
 */

/** A sentinel value; compare with `===` against `EOF` and `TIMEOUT`. */
export class Sentinel<K extends 'EOF' | 'TIMEOUT'> {
  /** @internal */
  constructor(
    /** Which sentinel this is: `'EOF'` or `'TIMEOUT'`. */
    readonly kind: K,
  ) {
    Object.freeze(this);
  }

  /** The sentinel's `kind`, e.g. `EOF`. */
  toString(): string {
    return this.kind;
  }
}

/**
 * One instance per process, shared through the global symbol registry, so that `===` holds even when a
 * plugin bundle and the harness each carry their own copy of the SDK.
 */
function sharedSentinel<K extends 'EOF' | 'TIMEOUT'>(kind: K): Sentinel<K> {
  const registry = globalThis as unknown as Record<symbol, Sentinel<K> | undefined>;
  const key = Symbol.for(`falco-plugin-sdk.sentinel.${kind}`);
  return (registry[key] ??= new Sentinel(kind));
}

/** The source has no more events. Sticky: every later `nextBatch` reports EOF again. */
export const EOF: Sentinel<'EOF'> = sharedSentinel('EOF');
/** No (more) events for now: the host calls `nextBatch` again later. */
export const TIMEOUT: Sentinel<'TIMEOUT'> = sharedSentinel('TIMEOUT');

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
  const name = (thrown as Error | null)?.name;
  if (thrown === EOF || name === 'EndOfStreamError') return EOF;
  if (thrown === TIMEOUT || name === 'BatchTimeoutError') return TIMEOUT;
  return undefined;
}

/**
 * A `TypeError` the SDK throws on purpose: a plugin broke a contract (a Promise where a value is due, a
 * value of the wrong type). Its message says what and where, so `get_last_error` shows it alone.
 */
export class ContractTypeError extends TypeError {}

/** A `RangeError` the SDK throws on purpose (a value out of its range); shown, like a ContractTypeError, alone. */
export class ContractRangeError extends RangeError {}

/** JavaScript's own errors, thrown by a bug rather than on purpose (a `TypeError` from reading `undefined`). */
const PROGRAMMING_ERRORS: readonly Error[] = [
  TypeError.prototype,
  ReferenceError.prototype,
  RangeError.prototype,
  SyntaxError.prototype,
  URIError.prototype,
  EvalError.prototype,
];

/** The first frame of an error's stack with a source position (`fn (src/plugin.ts:12:5)`), or undefined. */
function firstFrame(error: Error): string | undefined {
  const stack = error.stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const frame = line.trim();
    if (frame.startsWith('at ') && /:\d+:\d+\)?$/.test(frame)) return frame.slice(3);
  }
  return undefined;
}

/**
 * Renders anything thrown as a one-line message for `get_last_error`: an error's message as the plugin
 * wrote it; for JavaScript's own errors (`TypeError`, `ReferenceError`, `RangeError`, …), which come from a
 * bug or from bad data, also their name and the first place in code with a source position they were
 * thrown from, e.g.
 * `TypeError: Cannot read properties of undefined (reading 'id') (at MyInstance.nextBatch (src/plugin.ts:42:17))`.
 * A built plugin's stack frames name its TypeScript sources, through the source map of its bundle.
 */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) {
    const text = thrown.message || thrown.name;
    if (!PROGRAMMING_ERRORS.includes(Object.getPrototypeOf(thrown) as Error)) return text;
    const frame = firstFrame(thrown);
    return `${thrown.name}: ${text}${frame === undefined ? '' : ` (at ${frame})`}`;
  }
  return String(thrown);
}
