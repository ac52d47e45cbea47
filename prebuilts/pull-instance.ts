import { AsyncSubject, type Observable } from 'rxjs';
import { EOF, TIMEOUT, type BatchSentinel, type EventBatch } from '../lib/index';
import { sentinelOf, ContractTypeError } from '../lib/sdk/errors';
import type { Deadline } from './deadline';
import type { SourceEvent } from './source-event';
import { SourceInstance, WAIT, type FillStep } from './source-instance';
import {
  parseOptions,
  sourceOptionsShape,
  type ResolvedSourceOptions,
  type SourceInstanceOptions,
} from './source-options';

/**
 * What one pull produces: an event, several events (they are kept in order across batches), `TIMEOUT`
 * when nothing is ready now (an empty array means the same), or `EOF` when the source is exhausted.
 * Throwing (or rejecting) ends the source with that error; throwing `EndOfStreamError` or
 * `BatchTimeoutError` means EOF or TIMEOUT.
 */
export type PullResult = SourceEvent | readonly SourceEvent[] | BatchSentinel;

/**
 * Produces the next event(s), synchronously or asynchronously. `signal` aborts when the instance stops
 * (closed by the host, or the `signal` option aborted): a long pull should give up then.
 */
export type PullFunction = (signal: AbortSignal) => PullResult | Promise<PullResult>;

/** Options of `newPullInstance`. */
export type PullInstanceOptions = SourceInstanceOptions;

type Settlement = { readonly value: PullResult } | { readonly error: unknown };

/** A pull still running, and its result once it settles (kept for the next batch if a call timed out). */
class PendingPull {
  settlement: Settlement | undefined;
  readonly settled$ = new AsyncSubject<void>();

  constructor(promise: Promise<PullResult>) {
    promise.then(
      (value) => this.settle({ value }),
      (error: unknown) => this.settle({ error }),
    );
  }

  private settle(settlement: Settlement): void {
    this.settlement = settlement;
    this.settled$.next();
    this.settled$.complete();
  }
}

/**
 * A source instance driven by a pull function (the Go SDK's `NewPullInstance`): each `nextBatch` calls
 * `pull` until the batch is full, the timeout passes, or the source ends. Create it with
 * `newPullInstance`.
 */
export class PullInstance extends SourceInstance {
  private carried: unknown[] = [];
  private carriedFrom = 0;
  private pending: PendingPull | undefined;

  constructor(
    private readonly pull: PullFunction,
    options: ResolvedSourceOptions,
  ) {
    super('newPullInstance', options);
    this.resources.add(() => {
      this.pending = undefined;
      this.carried = [];
    });
  }

  /** @internal */
  protected override fill(batch: EventBatch, deadline: Deadline): FillStep {
    for (;;) {
      this.writeCarried(batch);
      const idle = this.idleOutcome(batch, deadline);
      if (idle !== WAIT) return idle;
      let settlement: Settlement;
      if (this.pending !== undefined) {
        if (this.pending.settlement === undefined) return WAIT;
        settlement = this.pending.settlement;
        this.pending = undefined;
      } else {
        const started = this.startPull();
        if (started instanceof PendingPull) {
          this.pending = started;
          return WAIT;
        }
        settlement = started;
      }
      if (this.accept(settlement) === TIMEOUT) return TIMEOUT;
    }
  }

  /** @internal */
  protected override wakeUp(): Observable<unknown> {
    return this.pending?.settled$ ?? this.stopped$;
  }

  private startPull(): Settlement | PendingPull {
    try {
      const result = this.pull(this.signal);
      return typeof (result as { then?: unknown } | null)?.then === 'function'
        ? new PendingPull(result as Promise<PullResult>)
        : { value: result as PullResult };
    } catch (error) {
      return { error };
    }
  }

  /** Takes a pull's result: events are carried into the batch, sentinels and errors end or pause it. */
  private accept(settlement: Settlement): typeof TIMEOUT | undefined {
    if ('error' in settlement) {
      const sentinel = sentinelOf(settlement.error);
      if (sentinel === TIMEOUT) return TIMEOUT;
      if (sentinel === EOF) this.endWithEof();
      else this.endWithError(settlement.error);
      return undefined;
    }
    const value = settlement.value;
    if (value === TIMEOUT) return TIMEOUT;
    if (value === EOF) {
      this.endWithEof();
      return undefined;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return TIMEOUT;
      for (const event of value as readonly unknown[]) this.carried.push(event);
    } else {
      this.carried.push(value);
    }
    return undefined;
  }

  private writeCarried(batch: EventBatch): void {
    while (this.carriedFrom < this.carried.length && !batch.full) {
      const event = this.carried[this.carriedFrom];
      this.carried[this.carriedFrom++] = undefined;
      this.write(batch, event);
    }
    if (this.carriedFrom >= this.carried.length) {
      this.carried.length = 0;
      this.carriedFrom = 0;
    }
  }
}

/**
 * Creates a source instance from a pull function, with the Go SDK's `NewPullInstance` semantics and its
 * defects fixed:
 *
 * - each `nextBatch` calls `pull` until the batch is full (SUCCESS), `pull` returns `TIMEOUT` or the
 *   timeout passes (TIMEOUT, with the events pulled so far), or `pull` returns `EOF` (EOF, sticky);
 * - `pull` may be asynchronous: when the timeout passes while a pull is pending, the call returns what it
 *   has with TIMEOUT and the pull's result goes into the next batch — nothing lost, nothing duplicated
 *   (Go cannot interrupt a blocking pull);
 * - a pull error fails the call after the events already pulled, then the source returns EOF;
 * - the timeout counts from the start of each call (no stale ticks after a long pause of the host);
 * - closing the instance, or aborting `signal`, settles a pending call with EOF and releases every timer.
 *
 * @example
 * open() {
 *   let n = 0;
 *   return newPullInstance(() => (n < 100 ? { data: `sample ${n++}` } : EOF));
 * }
 *
 * @throws TypeError for bad options, naming the key and the problem.
 */
export function newPullInstance(pull: PullFunction, options: PullInstanceOptions = {}): PullInstance {
  if (typeof pull !== 'function') {
    throw new ContractTypeError(
      `newPullInstance: pull must be a function (signal) => event | events | EOF | TIMEOUT, got ${typeof pull}`,
    );
  }
  return new PullInstance(pull, parseOptions('newPullInstance', sourceOptionsShape, options));
}
