import type { BasePlugin } from '../../plugins/base-plugin';
import { errorMessage } from '../../sdk/errors';
import { EVENT_LEN_OFFSET } from '../../sdk/event-layout';
import { PrefetchUnavailable, type EventReader } from '../../sdk/event-reader';
import { ExtractRequest } from '../../sdk/extract-request';
import type { FieldDefinition } from '../../sdk/fields/field-definition';
import { BufferKind, ControlF64, ControlI32 } from '../../symbols/exchange-layout';
import type { SharedState } from '../../symbols/shared-state';
import { ReturnCode } from '../../symbols/return-codes';
import { ArgumentChecks, ArgumentOutcome } from './argument-checks';
import type { Extract, Fields } from './interfaces';
import { ExtractionPrefetch, PREFETCH_VALUES_ID, PrefetchStatus } from './prefetch';
import { ExtractResults } from './results';

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

/**
 * The field extraction symbols of one plugin state: `extract_fields`, one field per call, with the request
 * in the control block and the values written into the Results buffer; and the extraction ahead of the
 * host's calls (`prefetch.ts`) for the events of a batch.
 */
export class ExtractionSymbols {
  private readonly results: ExtractResults;
  private readonly request: ExtractRequest<unknown>;
  private fields: readonly FieldDefinition[] = [];
  private readonly prefetch: ExtractionPrefetch;
  private readonly argumentChecks = new ArgumentChecks();
  /** The values computed ahead, created with the first prefetch keys. */
  private prefetchResults: ExtractResults | undefined;
  /** The argument of the host's current extract call, reused from call to call. */
  private readonly hostArgument: FieldArgument = {
    argPresent: false,
    argIndexNumber: 0,
    argIndex: undefined,
    argKey: undefined,
    wantOffsets: false,
  };

  /**
   * @param batchOf - the last batch of a source instance, for the fields computed ahead (none without
   * event sourcing).
   */
  constructor(
    private readonly state: SharedState,
    private readonly batchOf: (handle: number) => { readonly length: number } | undefined = () => undefined,
  ) {
    this.prefetch = new ExtractionPrefetch(state.memory);
    this.results = new ExtractResults(state.memory, state.control);
    this.request = new ExtractRequest(
      state.reader,
      this.results,
      (event) => (this.state.plugin as ExtractorPlugin).eventContext(event),
      () => this.state.exactArgIndex,
    );
    state.onNewEvent(() => {
      this.request.contextReady = false;
      this.request.contextValue = undefined;
    });
  }

  /** At `init`: the plugin's fields, read once per plugin state. */
  init(plugin: BasePlugin): void {
    this.fields = (plugin as ExtractorPlugin).fields();
  }

  /**
   * `plugin_extract_fields` for one field: reads the request from the control block (and the key
   * argument), writes the value(s) into the Results buffer.
   */
  extract(argKey?: string): ReturnCode {
    const control = this.state.control;
    const id = control[ControlI32.FieldId];
    try {
      this.state.loadEvent();
      this.extractField(id, argKey, this.results, 0);
      return ReturnCode.Success;
    } catch (err) {
      const name = this.fields[id]?.name ?? `#${id}`;
      const arg = control[ControlI32.ArgPresent] !== 0 ? `[${argKey ?? this.state.exactArgIndex}]` : '';
      return this.state.fail(
        new Error(
          `cannot extract ${name}${arg} from event ${this.state.reader.number}: ${errorMessage(err)}`,
        ),
      );
    }
  }

  /** The native layer's list of the fields the host keeps asking for (JSON), computed for each batch. */
  setPrefetchKeys(json: string): void {
    this.prefetch.setKeys(json);
    this.prefetchResults ??= new ExtractResults(
      this.state.memory,
      this.state.control,
      BufferKind.Prefetch,
      PREFETCH_VALUES_ID,
    );
  }

  /**
   * Right after a `next_batch` that returned events: computes the prefetch keys for every event of the
   * batch into the Prefetch buffers (values and index). Returns the events indexed.
   */
  prefetchBatch(handle: number): number {
    const batch = this.batchOf(handle);
    const buffer = this.state.batchBuffer(handle);
    const keys = this.prefetch.keys;
    const results = this.prefetchResults;
    if (batch === undefined || buffer === undefined || results === undefined || keys.length === 0) return 0;
    const events = batch.length;
    const prefetch = this.prefetch;
    prefetch.begin(events);
    const view = new DataView(buffer);
    const control = this.state.control;
    let base = 0;
    let offset = 0;
    this.request.useResults(results);
    try {
      for (let e = 0; e < events; e++) {
        const length = view.getUint32(offset + EVENT_LEN_OFFSET, true);
        this.state.reader.resetAt(buffer, offset, length, 0, true);
        this.state.reader.askedHostValue = false;
        this.request.contextReady = false;
        this.request.contextValue = undefined;
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k];
          const definition = this.fields[key.fieldId];
          if (definition === undefined || definition.prefetch === false) {
            prefetch.set(e, k, PrefetchStatus.Never);
            continue;
          }
          const reader = this.state.reader;
          try {
            this.runExtractor(definition, key.fieldId, key, results, base, false);
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
      this.state.invalidateEvent();
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
    const control = this.state.control;
    const argument = this.hostArgument;
    argument.argPresent = control[ControlI32.ArgPresent] !== 0;
    argument.argIndexNumber = this.state.controlF64[ControlF64.ArgIndex];
    argument.argKey = argKey;
    argument.wantOffsets = control[ControlI32.WantOffsets] !== 0;
    this.runExtractor(definition, id, argument, results, base, true);
  }

  /**
   * Runs the extractor of `definition` with `argument` (the host's call's, or a prefetch key's), after the
   * field's argument check (`hostCall`: whether a bad argument's first failure goes to the host now).
   */
  private runExtractor(
    definition: FieldDefinition,
    id: number,
    argument: FieldArgument,
    results: ExtractResults,
    base: number,
    hostCall: boolean,
  ): void {
    const request = this.request;
    if (definition.checkArg !== undefined && argument.argPresent) {
      const arg = argument.argKey ?? argument.argIndex ?? this.state.exactArgIndex;
      if (this.argumentChecks.check(id, definition, arg, hostCall) === ArgumentOutcome.NoValue) {
        results.reset(base);
        request.valueWritten = false;
        return;
      }
    }
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
      (this.state.plugin as ExtractorPlugin & Extract).extract(request);
    }
  }
}
