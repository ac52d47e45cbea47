import { defer, fromEvent, map, of, Subscription, take, type Observable } from 'rxjs';
import { BaseInstance, EOF, TIMEOUT, type BatchOutcome, type EventBatch, type Progress } from '../lib/index';
import { Deadline } from './deadline';
import { writeSourceEvent } from './event-writer';
import type { ResolvedSourceOptions } from './source-options';

/** Counters of a prebuilt source instance. */
export interface SourceStats {
  /** Events written into batches. */
  readonly deliveredEvents: number;
  /** Events refused by the batch and discarded under `invalidEvents: 'skip'`. */
  readonly skippedEvents: number;
}

/** Skipped events logged one by one; later ones are only counted. */
const MAX_SKIP_WARNINGS = 10;

/** A `fill` result meaning "nothing to return yet: wait for the source". */
export const WAIT: unique symbol = Symbol('wait');

/** What one step of a batch produces: an outcome, or "wait for the source". */
export type FillStep = BatchOutcome | typeof WAIT;

/**
 * The lifecycle shared by the prebuilt instances: one deadline per `nextBatch` call, sticky EOF, stop on
 * abort or close (which settles a pending call with EOF and releases every subscription and timer), and
 * the invalid-event policy. Subclasses implement `fill`.
 */
export abstract class SourceInstance extends BaseInstance {
  /**
   * Aborted when the instance stops: closed by the host, or the `signal` option aborted. Producers (the
   * pull function, custom sources) should stop their work when it aborts.
   */
  readonly signal: AbortSignal;
  /** Progress of a finite source (present when the `progress` option is given). */
  readonly progress?: () => Progress;
  /** Released when the instance stops: subclasses add their subscriptions and teardowns. */
  protected readonly resources = new Subscription();
  /** Emits (once) when the instance stops; at once if it has already stopped. */
  protected readonly stopped$: Observable<void>;
  private readonly controller = new AbortController();
  private eofReported = false;
  private ending: { readonly eof: boolean; readonly error?: unknown } | undefined;
  private busy = false;
  private closing: Promise<void> | undefined;
  private delivered = 0;
  private skipped = 0;
  private skipsLogged = 0;

  protected constructor(
    /** The prebuilt's name, used in messages (`newPullInstance`). */
    protected readonly sourceName: string,
    /** The instance's options, validated, with every default applied. */
    protected readonly options: ResolvedSourceOptions,
  ) {
    super({ batchSize: options.batchSize, maxEventSize: options.maxEventSize });
    this.signal = this.controller.signal;
    if (options.progress) this.progress = options.progress;
    const signal = this.signal;
    this.stopped$ = defer(() =>
      signal.aborted
        ? of(undefined)
        : fromEvent(signal, 'abort').pipe(
            take(1),
            map(() => undefined),
          ),
    );
    const external = options.signal;
    if (external?.aborted) {
      this.stop(external.reason);
    } else if (external) {
      const onAbort = () => this.stop(external.reason);
      external.addEventListener('abort', onAbort, { once: true });
      this.resources.add(() => external.removeEventListener('abort', onAbort));
    }
  }

  /** Counters of the events this instance handled. */
  get stats(): SourceStats {
    return { deliveredEvents: this.delivered, skippedEvents: this.skipped };
  }

  /**
   * Fills the batch: returns at once when it is full, or with what it has and TIMEOUT when the timeout
   * passes; EOF once the source has ended (sticky). Returns a promise only when it has to wait.
   *
   * @throws Error when the source failed or an event was refused under `invalidEvents: 'fail' | 'end'`;
   *   the events already in the batch are delivered by the host.
   */
  nextBatch(batch: EventBatch): BatchOutcome | Promise<BatchOutcome> {
    if (this.eofReported) return EOF;
    if (this.busy) {
      throw new Error(`${this.sourceName}: nextBatch was called while the previous call is still pending`);
    }
    if (this.signal.aborted && !this.hasUndelivered) return this.reportEof();
    const deadline = new Deadline(this.options.scheduler, this.options.timeout);
    this.busy = true;
    let step: FillStep;
    try {
      step = this.fill(batch, deadline);
    } catch (err) {
      this.busy = false;
      throw err;
    }
    if (step !== WAIT) {
      this.busy = false;
      return step;
    }
    return this.waitFor(batch, deadline).finally(() => {
      this.busy = false;
    });
  }

  /**
   * Stops the source (settling a pending `nextBatch` with EOF), releases its subscriptions and timers,
   * then calls the `onClose` option. Events the source already holds (a push instance's buffer) stay
   * deliverable: later calls return them, then EOF. Idempotent.
   */
  override close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * @internal Writes what the source has ready into the batch and says how the call goes on: an outcome,
   * or `WAIT` (then `fill` is called again on each `wakeUp()` emission until it returns an outcome).
   */
  protected abstract fill(batch: EventBatch, deadline: Deadline): FillStep;

  /** @internal Emits when the source may have something new for a waiting call. */
  protected abstract wakeUp(): Observable<unknown>;

  /**
   * Whether the source still holds events it produced (acknowledged) but has not delivered: after a stop,
   * `nextBatch` goes on returning them before EOF. None by default.
   */
  protected get hasUndelivered(): boolean {
    return false;
  }

  /** Writes a warning to the `logger` option (default `console.warn`). */
  protected warn(message: string): void {
    if (this.options.logger) this.options.logger.warn(message);
    else console.warn(message);
  }

  /** Marks the source as ended: EOF once what it has already produced is written. */
  protected endWithEof(): void {
    this.ending ??= { eof: true };
  }

  /** Marks the source as failed: `error` (then EOF) once what it has already produced is written. */
  protected endWithError(error: unknown): void {
    this.ending ??= {
      eof: false,
      error: error ?? new Error(`${this.sourceName}: the source failed without an error`),
    };
  }

  /** Whether EOF was returned (sticky): no later call delivers anything. */
  protected get eofDelivered(): boolean {
    return this.eofReported;
  }

  /** Whether the source has ended (its last events may still be pending). */
  protected get ended(): boolean {
    return this.ending !== undefined;
  }

  /**
   * The outcome once everything produced before the end was written: EOF, or the source's error (thrown,
   * the events in the batch are delivered). Releases the source.
   */
  protected finishEnded(): BatchOutcome {
    const ending = this.ending;
    this.reportEof();
    this.resources.unsubscribe();
    if (ending && !ending.eof) throw ending.error;
    return EOF;
  }

  /**
   * @internal The outcome when nothing more fits or arrives in time: whether the batch is full, TIMEOUT,
   * or WAIT.
   */
  protected idleOutcome(batch: EventBatch, deadline: Deadline): FillStep {
    if (batch.full) return undefined;
    if (this.ended) return this.finishEnded();
    if (this.signal.aborted) return this.reportEof();
    return deadline.passed ? TIMEOUT : WAIT;
  }

  /**
   * Writes one event, applying the invalid-event policy.
   *
   * @throws InvalidEventError under `'fail'` and `'end'`.
   */
  protected write(batch: EventBatch, event: unknown): void {
    const refused = writeSourceEvent(batch, event, this.sourceName);
    if (refused === undefined) {
      this.delivered++;
      return;
    }
    if (this.options.invalidEvents === 'skip') {
      this.skipped++;
      if (this.skipsLogged < MAX_SKIP_WARNINGS) {
        this.skipsLogged++;
        const more =
          this.skipsLogged === MAX_SKIP_WARNINGS
            ? ` (further skips are only counted in stats.skippedEvents)`
            : '';
        this.warn(`${refused.message}: skipped, ${this.skipped} so far${more}`);
      }
      return;
    }
    if (this.options.invalidEvents === 'end') {
      this.reportEof();
      this.resources.unsubscribe();
    }
    throw refused;
  }

  private waitFor(batch: EventBatch, deadline: Deadline): Promise<BatchOutcome> {
    return new Promise<BatchOutcome>((resolve, reject) => {
      const waiting = new Subscription();
      let wake: { source: Observable<unknown>; subscription: Subscription } | undefined;
      const settle = (outcome: () => BatchOutcome) => {
        if (waiting.closed) return;
        waiting.unsubscribe();
        try {
          resolve(outcome());
        } catch (err) {
          reject(err);
        }
      };
      const listen = () => {
        const source = this.wakeUp();
        if (wake?.source === source) return;
        wake?.subscription.unsubscribe();
        const subscription = new Subscription();
        wake = { source, subscription };
        waiting.add(subscription);
        subscription.add(source.subscribe(onWake));
      };
      const onWake = () => {
        if (waiting.closed) return;
        let step: FillStep;
        try {
          step = this.fill(batch, deadline);
        } catch (err) {
          waiting.unsubscribe();
          reject(err);
          return;
        }
        if (step === WAIT) listen();
        else settle(() => step as BatchOutcome);
      };
      waiting.add(
        this.stopped$.subscribe(() =>
          settle(() =>
            this.hasUndelivered ? (this.fill(batch, deadline) as BatchOutcome) : this.reportEof(),
          ),
        ),
      );
      waiting.add(deadline.expiry().subscribe(() => settle(() => TIMEOUT)));
      listen();
    });
  }

  private reportEof(): typeof EOF {
    this.eofReported = true;
    return EOF;
  }

  private stop(reason: unknown): void {
    if (!this.signal.aborted) this.controller.abort(reason);
    this.resources.unsubscribe();
  }

  private async shutdown(): Promise<void> {
    this.stop(new Error(`${this.sourceName}: the instance was closed`));
    if (!this.hasUndelivered) this.reportEof();
    await this.options.onClose?.();
  }
}
