import type { ExtractResults } from '../capabilities/extraction/results';
import { PLUGIN_EVENT_PAYLOAD_OFFSET } from './event-layout';
import type { EventReader } from './event-reader';
import type { FieldSpec } from './fields/field-definition';
import { ContractRangeError } from './errors';

/**
 * One extraction request: which field, with which argument, from which event. The host asks for one field
 * per call; `context` is computed once per event and shared by every field of that event.
 *
 * The object is reused from call to call: read what you need, do not keep it.
 */
export class ExtractRequest<Ctx = unknown> {
  /** @internal Where the values go: the host's Results buffer, or the prefetch's own. */
  useResults(results: ExtractResults): void {
    this.results = results;
  }
  /** @internal */ fieldIdValue = 0;
  /** @internal */ fieldSpec: FieldSpec = { name: '', type: 'string', desc: '' };
  /** @internal */ argIndexValue = 0;
  /** @internal The exact index when known without asking the host (prefetch); else `exactArgIndex` reads it. */
  exactArgIndexValue: bigint | undefined = undefined;
  /** @internal */ argKeyValue: string | undefined = undefined;
  /** @internal */ argPresentValue = false;
  /** @internal */ wantOffsetValue = false;
  /** @internal */ contextValue: Ctx | undefined = undefined;
  /** @internal */ contextReady = false;
  /** @internal */ valueWritten = false;

  /** @internal */
  constructor(
    /** The event the field is extracted from. */
    readonly event: EventReader,
    private results: ExtractResults,
    private readonly computeContext: (event: EventReader) => Ctx,
    /** Reads the exact index argument of the current call from where the host put it. */
    private readonly exactArgIndex: () => bigint = () => BigInt(this.argIndexValue),
  ) {}

  /** Index of the field in the plugin's declared fields. */
  get fieldId(): number {
    return this.fieldIdValue;
  }

  /** The declared field. */
  get field(): FieldSpec {
    return this.fieldSpec;
  }

  /** Whether the field was written with an argument (`name[arg]`). */
  get argPresent(): boolean {
    return this.argPresentValue;
  }

  /**
   * The index argument (`dummy.divisible[3]` → 3) as a number; 0 when absent, see `argPresent`. Exact up to
   * `Number.MAX_SAFE_INTEGER` (2^53 - 1); above it the number is rounded: use `argIndexBigInt`.
   */
  get argIndex(): number {
    return this.argIndexValue;
  }

  /** The index argument as the exact uint64 the host passed (`[18446744073709551615]` stays exact); 0n when absent. */
  get argIndexBigInt(): bigint {
    if (!this.argPresentValue) return 0n;
    return this.exactArgIndexValue ?? this.exactArgIndex();
  }

  /** The key argument (`json.value[/a/b]` → `/a/b`), or `undefined`. */
  get argKey(): string | undefined {
    return this.argKeyValue;
  }

  /** Whether the host asked for value offsets (plugin API 3.11), e.g. to highlight bytes in a UI. */
  get wantOffset(): boolean {
    return this.wantOffsetValue;
  }

  /**
   * The per-event context, computed by the plugin's `eventContext` on the first field of an event and
   * reused for the other fields of the same event.
   */
  get context(): Ctx {
    if (!this.contextReady) {
      this.contextValue = this.computeContext(this.event);
      this.contextReady = true;
    }
    return this.contextValue as Ctx;
  }

  /**
   * Sets the extracted value (an array for list fields). Not calling it means "no value".
   *
   * @throws FieldValueError when the value does not match the field's type.
   */
  setValue(value: unknown): void {
    this.results.write(this.fieldSpec.name, this.fieldSpec.type, Boolean(this.fieldSpec.isList), value);
    this.valueWritten = true;
  }

  /**
   * Tells the host where value `index` lies in the event, in bytes from the start of the event (header
   * included). Ignored when the host did not ask (`wantOffset` false). Call after `setValue`.
   */
  setValueOffset(start: number, length: number, index = 0): void {
    if (!this.wantOffsetValue || !this.valueWritten) return;
    const count = this.results.count;
    if (index < 0 || index >= count) {
      throw new ContractRangeError(
        `field ${this.fieldSpec.name}: offset index ${index} outside the ${count} values set`,
      );
    }
    this.results.writeOffset(index, count, start, length);
  }

  /** Like `setValueOffset`, with `start` counted from the start of the plugin event payload. */
  setPayloadOffset(start: number, length: number, index = 0): void {
    this.setValueOffset(PLUGIN_EVENT_PAYLOAD_OFFSET + start, length, index);
  }
}
