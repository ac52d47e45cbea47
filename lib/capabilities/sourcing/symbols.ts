import type { BasePlugin } from '../../plugins/base-plugin';
import { EOF, errorMessage, sentinelOf, TIMEOUT, ContractTypeError } from '../../sdk/errors';
import { EventBatch } from '../../sdk/event-batch';
import { ControlI32 } from '../../symbols/exchange-layout';
import type { SharedState } from '../../symbols/shared-state';
import { ReturnCode } from '../../symbols/return-codes';
import { isUnawaitedPromise, settle, type MaybePromise } from '../../symbols/settle';
import type { NextBatch, OpenParams, OpenParamSuggestion, Progresser, Stringer } from './interfaces';

interface OpenInstance {
  readonly instance: NextBatch & Partial<Progresser> & { close?(): void | Promise<void> };
  readonly batch: EventBatch;
  eof: boolean;
  /** progress() failed and was logged: logged once per open capture, not at every poll. */
  progressFailed?: boolean;
}

type SourcePlugin = BasePlugin & {
  open(params: unknown): MaybePromise<NextBatch>;
  decodeOpenParams(params: string): unknown;
};

/** What `progress()` returned, checked: `{value, detail?}`, synchronously. */
function checkedProgress(progress: unknown): { value: number; detail?: string } {
  const shape = 'progress() must return {value: a number from 0 to 1, detail?: a string}';
  if (isUnawaitedPromise(progress)) throw new ContractTypeError(`${shape} synchronously, got a Promise`);
  const { value, detail } = (progress ?? {}) as { value?: unknown; detail?: unknown };
  if (typeof value !== 'number' || (detail !== undefined && typeof detail !== 'string')) {
    throw new ContractTypeError(`${shape}, got ${JSON.stringify(progress) ?? String(progress)}`);
  }
  return detail === undefined ? { value } : { value, detail };
}

/**
 * The event sourcing symbols of one plugin state: `list_open_params`, `open`, `close`, `next_batch`,
 * `get_progress` and `event_to_string`. Each turns its raw arguments into calls on the plugin and its
 * instances, and every error into a return code plus the last error. Events go to the host through each
 * instance's batch buffer; the count and the progress through the control block.
 */
export class SourcingSymbols {
  private readonly instances = new Map<number, OpenInstance>();
  private nextHandle = 1;

  constructor(private readonly state: SharedState) {}

  /** The instance handles still open. */
  get openHandles(): readonly number[] {
    return [...this.instances.keys()];
  }

  /** The batch of instance `handle`, as its last `next_batch` left it. */
  /** The instance the plugin's `open` returned for `handle` (undefined once closed). */
  instanceOf(handle: number): NextBatch | undefined {
    return this.instances.get(handle)?.instance;
  }

  batchOf(handle: number): EventBatch | undefined {
    return this.instances.get(handle)?.batch;
  }

  /** `plugin_list_open_params`: a JSON array of suggestions, or `null` on failure. */
  listOpenParams(): MaybePromise<string | null> {
    return settle(
      () =>
        typeof (this.state.plugin as Partial<OpenParams>)?.openParams === 'function'
          ? (this.state.plugin as unknown as OpenParams).openParams()
          : [],
      (list: readonly OpenParamSuggestion[]) =>
        JSON.stringify(
          list.map((p) => ({ value: p.value, desc: p.desc ?? '', separator: p.separator ?? '' })),
        ),
      (err) => {
        this.state.fail(err);
        return null;
      },
    );
  }

  /** `plugin_open`: returns the new instance's handle (≥ 1), or 0 on failure. */
  open(params: string): MaybePromise<number> {
    return settle(
      () => {
        const plugin = this.state.requirePlugin() as SourcePlugin;
        return plugin.open(plugin.decodeOpenParams(params));
      },
      (instance) => {
        if (!instance || typeof instance.nextBatch !== 'function') {
          this.state.fail(new Error('open() must return an instance with a nextBatch(batch) method'));
          return 0;
        }
        const handle = this.nextHandle++;
        const options = (instance as { batchOptions?: ConstructorParameters<typeof EventBatch>[2] })
          .batchOptions;
        this.instances.set(handle, {
          instance,
          batch: new EventBatch(this.state.memory, handle, options, this.state.registration.info.id ?? 0),
          eof: false,
        });
        return handle;
      },
      (err) => {
        this.state.fail(err);
        return 0;
      },
    );
  }

  /** `plugin_close`. */
  close(handle: number): MaybePromise<void> {
    const open = this.instances.get(handle);
    this.instances.delete(handle);
    this.state.forgetBatchBuffer(handle);
    return settle(
      () => open?.instance.close?.(),
      () => undefined,
      (err) => this.state.logSink(3, `close failed: ${errorMessage(err)}`),
    );
  }

  /**
   * `plugin_next_batch`: fills the instance's batch and returns the return code; the number of events is
   * in the control block. Events written before an error or a sentinel are delivered with it.
   */
  nextBatch(handle: number): MaybePromise<ReturnCode> {
    const open = this.instances.get(handle);
    this.state.control[ControlI32.BatchCount] = 0;
    if (open === undefined) {
      return this.state.fail(new Error(`next_batch on unknown instance ${handle}`));
    }
    if (open.eof) return ReturnCode.Eof;
    const batch = open.batch;
    batch.reset();
    return settle(
      () => open.instance.nextBatch(batch),
      (outcome) => {
        this.state.control[ControlI32.BatchCount] = batch.length;
        if (outcome === EOF) {
          open.eof = true;
          return ReturnCode.Eof;
        }
        return outcome === TIMEOUT || batch.length === 0 ? ReturnCode.Timeout : ReturnCode.Success;
      },
      (err) => {
        this.state.control[ControlI32.BatchCount] = batch.length;
        const sentinel = sentinelOf(err);
        if (sentinel === EOF) {
          open.eof = true;
          return ReturnCode.Eof;
        }
        return sentinel === TIMEOUT ? ReturnCode.Timeout : this.state.fail(err);
      },
    );
  }

  /** `plugin_get_progress`: the detail text; the percentage (×100) is in the control block. */
  getProgress(handle: number): string {
    this.state.control[ControlI32.ProgressPct] = 0;
    const open = this.instances.get(handle);
    const instance = open?.instance;
    if (open === undefined || typeof instance?.progress !== 'function') return '';
    try {
      const { value, detail } = checkedProgress(instance.progress());
      const clamped = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
      this.state.control[ControlI32.ProgressPct] = Math.round(clamped * 10000);
      return detail ?? `${(clamped * 100).toFixed(2)}%`;
    } catch (err) {
      // get_progress has no error path: the host shows the detail; the log says it once per capture.
      const message = errorMessage(err);
      if (!open.progressFailed) {
        open.progressFailed = true;
        this.state.logSink(3, `progress failed (reported once for this capture): ${message}`);
      }
      return `progress unavailable: ${message}`;
    }
  }

  /** `plugin_event_to_string`, for the event the host placed in the Event buffer. */
  eventToString(): string {
    const plugin = this.state.plugin as (BasePlugin & Partial<Stringer>) | undefined;
    if (typeof plugin?.eventToString !== 'function') return '';
    try {
      this.state.loadEvent();
      return plugin.eventToString(this.state.reader);
    } catch (err) {
      this.state.fail(err);
      return `error: ${this.state.lastError}`;
    }
  }
}
