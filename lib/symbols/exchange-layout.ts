/**
 * The memory the host side (the native layer, or the in-process harness standing in for it) shares with
 * the symbols layer. Nothing on the per-event paths crosses the boundary as JSON or as objects: the host
 * writes requests into these buffers, JS writes results next to them, and the host reads them in place.
 * `native/src/exchange_layout.h` mirrors every constant here.
 */

/** Buffers the symbols layer hands to the host with `HostMemory.adopt`. */
export enum BufferKind {
  /** The control block: small request and result values, fixed size. */
  Control = 0,
  /** The event being extracted or stringified, copied in by the host once per event. */
  Event = 1,
  /** Extraction results written by JS. */
  Results = 2,
  /** A batch of events written by `next_batch`; `id` is the instance handle. */
  Batch = 3,
  /**
   * Results computed ahead for the last batch (`lib/capabilities/extraction/prefetch.ts`): id 0 is the index, id 1 the
   * values (the layout of the Results buffer, one result after another).
   */
  Prefetch = 4,
  /** The values of the plugin's metrics, `MAX_METRICS` float64 slots read in place by `get_metrics`. */
  Metrics = 5,
}

/** Size in bytes of the control block. */
export const CONTROL_SIZE = 128;

/** Int32 slots of the control block. */
export enum ControlI32 {
  /** Out, next_batch: number of events in the batch. */
  BatchCount = 0,
  /** Out, get_progress: progress in hundredths of a percent (0..10000). */
  ProgressPct = 1,
  /** In, extract: the field's index in the declared fields. */
  FieldId = 2,
  /** In, extract: 1 when the field was given an argument. */
  ArgPresent = 3,
  /** In, extract and event_to_string: bumped by the host whenever it copies in a different event. */
  EventGeneration = 4,
  /** In: length in bytes of the event in the Event buffer. */
  EventLength = 5,
  /** In, extract: 1 when the host asks for value offsets. */
  WantOffsets = 6,
  /** Out, extract: number of values written (0 = no value). */
  ResultCount = 7,
  /** Out, extract: 1 when value offsets were written next to the values. */
  ResultHasOffsets = 8,
}

/** Float64 slots of the control block (numbers below 2^53 are exact). */
export enum ControlF64 {
  /** In, extract: the index argument, as a number (rounded above 2^53). */
  ArgIndex = 8,
  /** In: the host's event number of the event in the Event buffer. */
  EventNumber = 9,
}

/** BigUint64 slots of the control block (exact uint64 values). */
export enum ControlU64 {
  /** In, extract: the index argument, exact. */
  ArgIndexExact = 10,
}

/**
 * Layout of the Results buffer for `n` values, all little-endian:
 * - bytes `[0, 8n)`: the values: `u64` each for uint64/reltime/abstime, `u32` each for bool, and for
 *   string/ipaddr/ipnet a pair `u32 offset, u32 length` locating the bytes in this same buffer (strings are
 *   NUL-terminated; the length excludes the NUL);
 * - bytes `[8n, 12n)`: `u32` value-offset starts, and `[12n, 16n)`: `u32` value-offset lengths, when
 *   `ResultHasOffsets` is 1;
 * - from byte `16n`: the bytes of string and IP values.
 */
export const RESULT_SLOT_SIZE = 8;
/** Bytes per value reserved before the variable-length bytes region. */
export const RESULT_FIXED_BYTES_PER_VALUE = 16;

/** Initial sizes; every buffer but the control block grows on demand. */
export const INITIAL_EVENT_BUFFER = 64 * 1024;
export const INITIAL_RESULTS_BUFFER = 4 * 1024;
