import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { DEFAULT_BATCH_SIZE, DEFAULT_MAX_EVENT_SIZE, type Progress } from '../lib/index';
import { describeZodError } from '../lib/sdk/json-input';
import { ContractTypeError } from '../lib/sdk/errors';

/** Default time a `nextBatch` call waits for events before returning TIMEOUT, in milliseconds (as Go). */
export const DEFAULT_SOURCE_TIMEOUT_MS = 30;

/**
 * What a prebuilt source does with an event the batch refuses: larger than `maxEventSize`, with an
 * invalid timestamp, or not an event at all.
 *
 * - `'fail'` (default): that `next_batch` call fails with a message naming the problem; the events before
 *   it are delivered, the refused event is discarded and the source goes on at the next call.
 * - `'skip'`: the event is discarded and counted in `stats.skippedEvents`; the call goes on.
 * - `'end'`: the call fails as with `'fail'` and the source ends (EOF afterwards), as the Go SDK does.
 */
export type InvalidEventPolicy = 'fail' | 'skip' | 'end';

/** Where a prebuilt source writes its warnings (a plugin's `this.logger` fits). */
export interface SourceLogger {
  /** Writes one warning. */
  warn(message: string): void;
}

/** Options shared by `newPullInstance` and `newPushInstance` (the Go SDK's instance options). */
export interface SourceInstanceOptions {
  /** Longest a `nextBatch` call waits to fill its batch, in milliseconds (default 30). */
  readonly timeout?: number;
  /** Most events per batch (default 128). */
  readonly batchSize?: number;
  /** Largest event payload in bytes (default 256 KiB). */
  readonly maxEventSize?: number;
  /** Stops the source when aborted (the Go SDK's context): the pending and every later call return EOF. */
  readonly signal?: AbortSignal;
  /** Called once when the host closes the instance, after its subscriptions and timers are released. */
  readonly onClose?: () => void | Promise<void>;
  /** Progress of a finite source, reported through `get_progress`. */
  readonly progress?: () => Progress;
  /** What happens to an event the batch refuses (default `'fail'`). */
  readonly invalidEvents?: InvalidEventPolicy;
  /**
   * Where warnings go (events skipped by `invalidEvents: 'skip'`, events still queued at close); default
   * `console.warn`. Pass the plugin's `this.logger` to route them to the host's log.
   */
  readonly logger?: SourceLogger;
  /** The scheduler timeouts run on (default RxJS `asyncScheduler`); tests pass a `TestScheduler`. */
  readonly scheduler?: SchedulerLike;
}

const isFunction = (value: unknown) => typeof value === 'function';

/** The zod shape of `SourceInstanceOptions`; the push and webhook options extend it. */
export const sourceOptionsShape = {
  timeout: z.number().finite().positive().default(DEFAULT_SOURCE_TIMEOUT_MS),
  batchSize: z.number().int().positive().default(DEFAULT_BATCH_SIZE),
  maxEventSize: z.number().int().positive().default(DEFAULT_MAX_EVENT_SIZE),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal').optional(),
  onClose: z.custom<() => void | Promise<void>>(isFunction, 'must be a function').optional(),
  progress: z.custom<() => Progress>(isFunction, 'must be a function').optional(),
  invalidEvents: z.enum(['fail', 'skip', 'end']).default('fail'),
  logger: z
    .custom<SourceLogger>(
      (value) => isFunction((value as SourceLogger | null)?.warn),
      'must have a warn method',
    )
    .optional(),
  scheduler: z
    .custom<SchedulerLike>(
      (value) =>
        isFunction((value as SchedulerLike | null)?.schedule) &&
        isFunction((value as SchedulerLike | null)?.now),
      'must be an RxJS scheduler',
    )
    .default(asyncScheduler),
};

/**
 * The options of a prebuilt source instance with every default applied, as the instance holds them
 * (`SourceInstance.options`). The defaults are those of `SourceInstanceOptions`, except where the prebuilt
 * has its own (`openWebhookSource`: `maxEventSize` from the config's `maxBodyBytes`, `invalidEvents`
 * `'skip'`).
 */
export interface ResolvedSourceOptions extends SourceInstanceOptions {
  /** Longest a `nextBatch` call waits to fill its batch, in milliseconds. */
  readonly timeout: number;
  /** Most events per batch. */
  readonly batchSize: number;
  /** Largest event payload in bytes. */
  readonly maxEventSize: number;
  /** What happens to an event the batch refuses. */
  readonly invalidEvents: InvalidEventPolicy;
  /** The scheduler timeouts run on. */
  readonly scheduler: SchedulerLike;
}

/**
 * Validates options against a strict zod object (unknown keys are refused, so a typo is an error) and
 * applies the defaults.
 *
 * @param who - the function the options were given to, named in the error message.
 * @throws TypeError naming every bad key and its problem.
 */
export function parseOptions<S extends z.ZodRawShape>(
  who: string,
  shape: S,
  options: unknown,
): z.output<z.ZodObject<S>> {
  const parsed = z
    .object(shape)
    .strict()
    .safeParse(options ?? {});
  if (!parsed.success)
    throw new ContractTypeError(`${who}: invalid options: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
