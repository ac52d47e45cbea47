import type { BasePlugin } from '../plugins/base-plugin';
import type {
  Extract,
  Fields,
  NextBatch,
  OpenParams,
  OpenParamSuggestion,
  Progresser,
  Stringer,
} from '../plugins/interfaces';
import type { LogSink } from '../plugins/logger';
import type { PluginRegistration } from '../plugins/registration';
import { EOF, errorMessage, sentinelOf, TIMEOUT } from '../sdk/errors';
import { EventBatch } from '../sdk/event-batch';
import { EVENT_LEN_OFFSET } from '../sdk/event-layout';
import { EventReader, PrefetchUnavailable } from '../sdk/event-reader';
import { ExtractRequest } from '../sdk/extract-request';
import type { FieldDefinition } from '../sdk/fields/field-definition';
import { parseJsonInput, parsingSchema } from '../sdk/json-input';
import {
  BufferKind,
  CONTROL_SIZE,
  ControlF64,
  ControlI32,
  ControlU64,
  INITIAL_EVENT_BUFFER,
} from './exchange-layout';
import { ExtractionPrefetch, PREFETCH_VALUES_ID, PrefetchStatus } from './extraction-prefetch';
import { ExtractResults } from './extract-results';
import { grownBuffer, type HostMemory } from './host-memory';
import { ReturnCode } from './return-codes';
import { isUnawaitedPromise, settle, type MaybePromise } from './settle';

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
/** The argument of one extraction: a prefetch key's, or the host call's (exact index read on demand). */
interface FieldArgument {
  argPresent: boolean;
  argIndexNumber: number;
  /** The exact index; `undefined`: read from the control block when the extractor asks. */
  argIndex: bigint | undefined;
  argKey: string | undefined;
  wantOffsets: boolean;
}

type ExtractorPlugin = BasePlugin & Fields & Partial<Extract> & { eventContext(event: EventReader): unknown };

/** What `progress()` returned, checked: `{value, detail?}`, synchronously. */
function checkedProgress(progress: unknown): { value: number; detail?: string } {
  const shape = 'progress() must return {value: a number from 0 to 1, detail?: a string}';
  if (isUnawaitedPromise(progress)) throw new TypeError(`${shape} synchronously, got a Promise`);
  const { value, detail } = (progress ?? {}) as { value?: unknown; detail?: unknown };
  if (typeof value !== 'number' || (detail !== undefined && typeof detail !== 'string')) {
    throw new TypeError(`${shape}, got ${JSON.stringify(progress) ?? String(progress)}`);
  }
  return detail === undefined ? { value } : { value, detail };
}

/**
 * The functions the host side calls for one plugin state, one per C symbol group. Each turns its raw
 * arguments into calls on the user's plugin object and every error into a return code plus the message
 * `getLastError` returns. Per-event paths (`nextBatch`, `extract`) exchange data only through the shared
 * buffers of `exchange-layout.ts`.
 */
export class PluginSymbols {
  /** The control block shared with the host. */
  readonly control: Int32Array;
  private readonly controlF64: Float64Array;
  private readonly controlU64: BigUint64Array;
  private plugin: BasePlugin | undefined;
  private lastErrorText = '';
  private readonly instances = new Map<number, OpenInstance>();
  private nextHandle = 1;
  private eventBuffer: ArrayBuffer;
  private readonly reader: EventReader;
  private readonly results: ExtractResults;
  private readonly request: ExtractRequest<unknown>;
  private generation = -1;
  private fields: readonly FieldDefinition[] = [];
  private readonly prefetch: ExtractionPrefetch;
  /** The batch buffer of each instance, as adopted by the host. */
  private readonly batchBuffers = new Map<number, ArrayBuffer>();
  /** The values computed ahead, created with the first prefetch keys. */
  private prefetchResults: ExtractResults | undefined;

  private readonly memory: HostMemory;
  /** The argument of the host's current extract call, reused from call to call. */
  private readonly hostArgument: FieldArgument = {
    argPresent: false,
    argIndexNumber: 0,
    argIndex: undefined,
    argKey: undefined,
    wantOffsets: false,
  };

  constructor(
    readonly registration: PluginRegistration,
    hostMemory: HostMemory,
    private readonly logSink: LogSink,
  ) {
    this.memory = {
      adopt: (kind, id, buffer) => {
        if (kind === BufferKind.Batch) this.batchBuffers.set(id, buffer);
        hostMemory.adopt(kind, id, buffer);
      },
    };
    const memory = this.memory;
    this.prefetch = new ExtractionPrefetch(memory);
    const controlBuffer = new ArrayBuffer(CONTROL_SIZE);
    this.control = new Int32Array(controlBuffer);
    this.controlF64 = new Float64Array(controlBuffer);
    this.controlU64 = new BigUint64Array(controlBuffer);
    this.control[ControlI32.EventGeneration] = -1;
    memory.adopt(BufferKind.Control, 0, controlBuffer);
    this.eventBuffer = new ArrayBuffer(INITIAL_EVENT_BUFFER);
    memory.adopt(BufferKind.Event, 0, this.eventBuffer);
    this.reader = new EventReader(this.eventBuffer);
    this.results = new ExtractResults(memory, this.control);
    this.request = new ExtractRequest(
      this.reader,
      this.results,
      (event) => (this.plugin as ExtractorPlugin).eventContext(event),
      () => this.controlU64[ControlU64.ArgIndexExact],
    );
  }

  /** `plugin_init`: creates the plugin object, parses the config and calls `init`. */
  init(config: string): MaybePromise<ReturnCode> {
    return settle(
      () => {
        const plugin = this.registration.create();
        plugin.logger.setSink(this.logSink);
        this.plugin = plugin;
        if (this.registration.capabilities.extraction) {
          this.fields = (plugin as ExtractorPlugin).fields();
        }
        const parsed = plugin.initSchema
          ? parseJsonInput(
              'init config',
              config,
              parsingSchema(plugin.initSchema, { strict: plugin.strictInitSchema }),
            )
          : config;
        return plugin.init(parsed);
      },
      () => ReturnCode.Success,
      (err) => this.fail(err),
    );
  }

  /** `plugin_destroy`: closes what is still open and calls the plugin's `destroy`. */
  destroy(): MaybePromise<void> {
    const plugin = this.plugin as (BasePlugin & { destroy?(): MaybePromise<void> }) | undefined;
    const handles = [...this.instances.keys()];
    return settle(
      () => Promise.all(handles.map((h) => this.close(h))).then(() => plugin?.destroy?.()),
      () => {
        this.plugin = undefined;
      },
      (err) => {
        this.plugin = undefined;
        this.logSink(3, `destroy failed: ${errorMessage(err)}`);
      },
    );
  }

  /** `plugin_get_last_error`. */
  getLastError(): string {
    return this.lastErrorText;
  }

  /** `plugin_list_open_params`: a JSON array of suggestions, or `null` on failure. */
  listOpenParams(): MaybePromise<string | null> {
    return settle(
      () =>
        typeof (this.plugin as Partial<OpenParams>)?.openParams === 'function'
          ? (this.plugin as unknown as OpenParams).openParams()
          : [],
      (list: readonly OpenParamSuggestion[]) =>
        JSON.stringify(
          list.map((p) => ({ value: p.value, desc: p.desc ?? '', separator: p.separator ?? '' })),
        ),
      (err) => {
        this.fail(err);
        return null;
      },
    );
  }

  /** `plugin_open`: returns the new instance's handle (≥ 1), or 0 on failure. */
  open(params: string): MaybePromise<number> {
    return settle(
      () => {
        const plugin = this.requirePlugin() as SourcePlugin;
        return plugin.open(plugin.decodeOpenParams(params));
      },
      (instance) => {
        if (!instance || typeof instance.nextBatch !== 'function') {
          this.fail(new Error('open() must return an instance with a nextBatch(batch) method'));
          return 0;
        }
        const handle = this.nextHandle++;
        const options = (instance as { batchOptions?: ConstructorParameters<typeof EventBatch>[2] })
          .batchOptions;
        this.instances.set(handle, {
          instance,
          batch: new EventBatch(this.memory, handle, options),
          eof: false,
        });
        return handle;
      },
      (err) => {
        this.fail(err);
        return 0;
      },
    );
  }

  /** `plugin_close`. */
  close(handle: number): MaybePromise<void> {
    const open = this.instances.get(handle);
    this.instances.delete(handle);
    this.batchBuffers.delete(handle);
    return settle(
      () => open?.instance.close?.(),
      () => undefined,
      (err) => this.logSink(3, `close failed: ${errorMessage(err)}`),
    );
  }

  /**
   * `plugin_next_batch`: fills the instance's batch and returns the return code; the number of events is
   * in the control block. Events written before an error or a sentinel are delivered with it.
   */
  nextBatch(handle: number): MaybePromise<ReturnCode> {
    const open = this.instances.get(handle);
    this.control[ControlI32.BatchCount] = 0;
    if (open === undefined) {
      return this.fail(new Error(`next_batch on unknown instance ${handle}`));
    }
    if (open.eof) return ReturnCode.Eof;
    const batch = open.batch;
    batch.reset();
    return settle(
      () => open.instance.nextBatch(batch),
      (outcome) => {
        this.control[ControlI32.BatchCount] = batch.length;
        if (outcome === EOF) {
          open.eof = true;
          return ReturnCode.Eof;
        }
        return outcome === TIMEOUT || batch.length === 0 ? ReturnCode.Timeout : ReturnCode.Success;
      },
      (err) => {
        this.control[ControlI32.BatchCount] = batch.length;
        const sentinel = sentinelOf(err);
        if (sentinel === EOF) {
          open.eof = true;
          return ReturnCode.Eof;
        }
        return sentinel === TIMEOUT ? ReturnCode.Timeout : this.fail(err);
      },
    );
  }

  /** `plugin_get_progress`: the detail text; the percentage (×100) is in the control block. */
  getProgress(handle: number): string {
    this.control[ControlI32.ProgressPct] = 0;
    const open = this.instances.get(handle);
    const instance = open?.instance;
    if (open === undefined || typeof instance?.progress !== 'function') return '';
    try {
      const { value, detail } = checkedProgress(instance.progress());
      const clamped = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
      this.control[ControlI32.ProgressPct] = Math.round(clamped * 10000);
      return detail ?? `${(clamped * 100).toFixed(2)}%`;
    } catch (err) {
      // get_progress has no error path: the host shows the detail; the log says it once per capture.
      const message = errorMessage(err);
      if (!open.progressFailed) {
        open.progressFailed = true;
        this.logSink(3, `progress failed (reported once for this capture): ${message}`);
      }
      return `progress unavailable: ${message}`;
    }
  }

  /** `plugin_event_to_string`, for the event the host placed in the Event buffer. */
  eventToString(): string {
    const plugin = this.plugin as (BasePlugin & Partial<Stringer>) | undefined;
    if (typeof plugin?.eventToString !== 'function') return '';
    try {
      this.loadEvent();
      return plugin.eventToString(this.reader);
    } catch (err) {
      this.fail(err);
      return `error: ${this.lastErrorText}`;
    }
  }

  /**
   * `plugin_extract_fields` for one field: reads the request from the control block (and the key
   * argument), writes the value(s) into the Results buffer.
   */
  extract(argKey?: string): ReturnCode {
    const control = this.control;
    const id = control[ControlI32.FieldId];
    try {
      this.loadEvent();
      this.extractField(id, argKey, this.results, 0);
      return ReturnCode.Success;
    } catch (err) {
      const name = this.fields[id]?.name ?? `#${id}`;
      const arg =
        control[ControlI32.ArgPresent] !== 0
          ? `[${argKey ?? this.controlU64[ControlU64.ArgIndexExact]}]`
          : '';
      return this.fail(
        new Error(`cannot extract ${name}${arg} from event ${this.reader.number}: ${errorMessage(err)}`),
      );
    }
  }

  /** The native layer's list of the fields the host keeps asking for (JSON), computed for each batch. */
  setPrefetchKeys(json: string): void {
    this.prefetch.setKeys(json);
    this.prefetchResults ??= new ExtractResults(
      this.memory,
      this.control,
      BufferKind.Prefetch,
      PREFETCH_VALUES_ID,
    );
  }

  /**
   * Right after a `next_batch` that returned events: computes the prefetch keys for every event of the
   * batch into the Prefetch buffers (values and index). Returns the events indexed.
   */
  prefetchBatch(handle: number): number {
    const open = this.instances.get(handle);
    const buffer = this.batchBuffers.get(handle);
    const keys = this.prefetch.keys;
    const results = this.prefetchResults;
    if (open === undefined || buffer === undefined || results === undefined || keys.length === 0) return 0;
    const events = open.batch.length;
    const prefetch = this.prefetch;
    prefetch.begin(events);
    const view = new DataView(buffer);
    const control = this.control;
    let base = 0;
    let offset = 0;
    this.request.useResults(results);
    try {
      for (let e = 0; e < events; e++) {
        const length = view.getUint32(offset + EVENT_LEN_OFFSET, true);
        this.reader.resetAt(buffer, offset, length, 0, true);
        this.reader.askedHostValue = false;
        this.request.contextReady = false;
        this.request.contextValue = undefined;
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k];
          const definition = this.fields[key.fieldId];
          if (definition === undefined || definition.prefetch === false) {
            prefetch.set(e, k, PrefetchStatus.Never);
            continue;
          }
          const reader = this.reader;
          try {
            this.runExtractor(definition, key.fieldId, key, results, base);
          } catch (err) {
            // the host's call extracts it, and reports its error in its own words
            const never = err instanceof PrefetchUnavailable || reader.askedHostValue;
            prefetch.set(e, k, never ? PrefetchStatus.Never : PrefetchStatus.Missing);
            continue;
          }
          if (reader.askedHostValue) {
            // the extractor (or the event's context, shared by the later fields) caught the refusal
            prefetch.set(e, k, PrefetchStatus.Never);
            continue;
          }
          const count = control[ControlI32.ResultCount];
          prefetch.set(e, k, PrefetchStatus.Value, count, control[ControlI32.ResultHasOffsets] !== 0, base);
          base = results.end;
        }
        offset += length;
      }
    } finally {
      this.request.useResults(this.results);
      this.generation = -1;
      this.request.contextReady = false;
      this.request.contextValue = undefined;
    }
    return events;
  }

  /**
   * Extracts field `id` of the event the reader points at into `results` from `base`, with the request of
   * the control block (the host's call).
   *
   * @throws whatever the extractor or the value check throws.
   */
  private extractField(id: number, argKey: string | undefined, results: ExtractResults, base: number): void {
    const definition = this.fields[id];
    if (definition === undefined) {
      throw new Error(`no field with id ${id} (the plugin declares ${this.fields.length})`);
    }
    const control = this.control;
    const argument = this.hostArgument;
    argument.argPresent = control[ControlI32.ArgPresent] !== 0;
    argument.argIndexNumber = this.controlF64[ControlF64.ArgIndex];
    argument.argKey = argKey;
    argument.wantOffsets = control[ControlI32.WantOffsets] !== 0;
    this.runExtractor(definition, id, argument, results, base);
  }

  /** Runs the extractor of `definition` with `argument` (the host's call's, or a prefetch key's). */
  private runExtractor(
    definition: FieldDefinition,
    id: number,
    argument: FieldArgument,
    results: ExtractResults,
    base: number,
  ): void {
    const request = this.request;
    request.fieldIdValue = id;
    request.fieldSpec = definition;
    request.argIndexValue = argument.argIndexNumber;
    request.exactArgIndexValue = argument.argIndex;
    request.argKeyValue = argument.argKey;
    request.argPresentValue = argument.argPresent;
    request.wantOffsetValue = argument.wantOffsets;
    request.valueWritten = false;
    results.reset(base);
    if (definition.extract !== undefined) {
      const value = definition.extract(request);
      if (value !== undefined) request.setValue(value);
    } else {
      (this.plugin as ExtractorPlugin & Extract).extract(request);
    }
  }

  /** Makes the Event buffer at least `size` bytes; the host calls it before copying in a larger event. */
  reserveEventBuffer(size: number): void {
    if (size <= this.eventBuffer.byteLength) return;
    this.eventBuffer = grownBuffer(this.eventBuffer, size, 0);
    this.memory.adopt(BufferKind.Event, 0, this.eventBuffer);
    this.generation = -1;
  }

  private loadEvent(): void {
    const generation = this.control[ControlI32.EventGeneration];
    if (generation === this.generation) return;
    this.reader.reset(
      this.eventBuffer,
      this.controlF64[ControlF64.EventNumber],
      this.control[ControlI32.EventLength],
    );
    this.generation = generation;
    this.request.contextReady = false;
    this.request.contextValue = undefined;
  }

  private requirePlugin(): BasePlugin {
    if (this.plugin === undefined) throw new Error('the plugin is not initialized');
    return this.plugin;
  }

  private fail(err: unknown): ReturnCode.Failure {
    this.lastErrorText = errorMessage(err);
    if (this.plugin) this.plugin.lastError = this.lastErrorText;
    return ReturnCode.Failure;
  }
}
