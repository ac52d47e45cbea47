import { BufferKind } from '../symbols/exchange-layout';
import { grownBuffer, type HostMemory } from '../symbols/host-memory';
import {
  EVENT_HEADER_SIZE,
  EVENT_LEN_OFFSET,
  EVENT_NPARAMS_OFFSET,
  EVENT_TS_OFFSET,
  EVENT_TYPE_OFFSET,
  PLUGIN_EVENT_PAYLOAD_OFFSET,
  PLUGIN_EVENT_TYPE,
  writePluginEventFrame,
} from './event-layout';
import { utf8Write, writeShortAscii } from './utf8-write';
import { ContractRangeError } from './errors';

/** Default number of events per batch (as the Go SDK). */
export const DEFAULT_BATCH_SIZE = 128;
/** Default largest event payload, in bytes (as the Go SDK). */
export const DEFAULT_MAX_EVENT_SIZE = 256 * 1024;

/** Batch limits of a source instance. */
export interface BatchOptions {
  /** Most events per `nextBatch` call. */
  readonly batchSize?: number;
  /** Largest payload of one event, in bytes. */
  readonly maxEventSize?: number;
}

/** An event timestamp: nanoseconds since the epoch as a bigint or number, or a `Date`. */
export type Timestamp = bigint | number | Date;

/** An event payload larger than the batch's `maxEventSize`. The events already in the batch are kept. */
export class EventTooLargeError extends Error {
  constructor(
    /** The size of the refused payload, in bytes. */
    readonly size: number,
    /** The batch's largest payload, in bytes. */
    readonly maxEventSize: number,
  ) {
    super(`event of ${size} bytes exceeds the maximum event size of ${maxEventSize} bytes`);
    this.name = 'EventTooLargeError';
  }
}

/** Writing into a batch that already holds `batchSize` events. */
export class BatchFullError extends Error {
  constructor(
    /** The batch's capacity, in events. */
    readonly batchSize: number,
  ) {
    super(`the batch is full (${batchSize} events)`);
    this.name = 'BatchFullError';
  }
}

const TWO_32 = 0x1_0000_0000;
/** Text up to this length reserves 3 bytes per UTF-16 unit; longer text its exact UTF-8 size. */
const MEDIUM_TEXT = 1024;

/**
 * The events of one `nextBatch` call, written as complete plugin events straight into memory the host
 * reads in place. Timestamps default to "now, stamped by the host".
 */
export class EventBatch {
  /** Most events this batch takes. */
  readonly capacity: number;
  /** Largest payload of one event, in bytes. */
  readonly maxEventSize: number;
  private buffer: ArrayBuffer;
  private bytes: Uint8Array;
  private text: Buffer; // the same memory, for UTF-8 writes that return a count (no result object)
  private view: DataView;
  private count = 0;
  private used = 0;
  private reserved = -1;
  private lastBigTimestamp: bigint | undefined = undefined;
  private lastTimestampLow = 0;
  private lastTimestampHigh = 0;

  /**
   * @internal `pluginId`: the plugin's event source id (0: none), which decides what `writeEvent` takes.
   */
  constructor(
    private readonly memory: HostMemory,
    private readonly handle: number,
    options: BatchOptions = {},
    private readonly pluginId = 0,
  ) {
    this.capacity = positiveInteger(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize');
    this.maxEventSize = positiveInteger(options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE, 'maxEventSize');
    this.buffer = new ArrayBuffer(Math.min(1 << 20, this.capacity * (PLUGIN_EVENT_PAYLOAD_OFFSET + 256)));
    this.bytes = new Uint8Array(this.buffer);
    this.text = Buffer.from(this.buffer);
    this.view = new DataView(this.buffer);
    memory.adopt(BufferKind.Batch, handle, this.buffer);
  }

  /** Number of events written so far. */
  get length(): number {
    return this.count;
  }

  /** Whether no more event fits. */
  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Room left, in events. */
  get free(): number {
    return this.capacity - this.count;
  }

  /** @internal Bytes used by the events written so far. */
  get byteLength(): number {
    return this.used;
  }

  /** @internal The memory holding the batch. */
  get memoryBuffer(): ArrayBuffer {
    return this.buffer;
  }

  /** @internal Empties the batch for the next call. */
  reset(): void {
    this.count = 0;
    this.used = 0;
    this.reserved = -1;
  }

  /**
   * Appends one event whose payload is `data` (bytes, or text written as UTF-8).
   *
   * @throws EventTooLargeError when the payload exceeds `maxEventSize` (nothing is written).
   * @throws BatchFullError when the batch already holds `capacity` events.
   */
  write(data: Uint8Array | string, timestamp?: Timestamp): void {
    // No allocation per event: the payload is written in place at the offset `begin` returns.
    if (typeof data === 'string') {
      this.writeText(data, timestamp);
      return;
    }
    const size = data.length;
    const at = this.begin(size); // may move the batch to a larger buffer
    this.bytes.set(data, at);
    this.commit(size, timestamp);
  }

  /**
   * Appends one complete libscap event, as it is (header, parameter lengths, parameters; e.g. from
   * `encodeSyscallEvent`): for sources that replay syscall-shaped events. The host takes such events only
   * from a plugin without an event source id; a plugin with one emits plugin events (type 322) only, with
   * its own id or 0. The bytes are copied: `event` may be reused once this returns.
   *
   * @throws Error naming the problem for a malformed frame (shorter than its header, a length that is not
   * its own) or an event the host would refuse; EventTooLargeError past `maxEventSize` (counted over the
   * event's parameters); BatchFullError when the batch is full.
   */
  writeEvent(event: Uint8Array): void {
    const size = event.length - PLUGIN_EVENT_PAYLOAD_OFFSET;
    const problem = checkEventFrame(event, this.pluginId);
    if (problem !== undefined) throw new Error(`writeEvent: ${problem}`);
    if (this.count >= this.capacity) throw new BatchFullError(this.capacity);
    if (size > this.maxEventSize) throw new EventTooLargeError(size, this.maxEventSize);
    this.ensure(this.used + event.length);
    this.bytes.set(event, this.used);
    this.used += event.length;
    this.count++;
  }

  /**
   * Reserves room for a payload of up to `size` bytes and returns the view to fill, for producers that
   * serialize straight into the batch. Finish with `commit`.
   */
  reserve(size: number): Uint8Array {
    const start = this.begin(size);
    return this.bytes.subarray(start, start + size);
  }

  /** Reserves room for a payload of up to `size` bytes; returns where the payload starts in `bytes`. */
  private begin(size: number): number {
    if (this.count >= this.capacity) throw new BatchFullError(this.capacity);
    if (size > this.maxEventSize) throw new EventTooLargeError(size, this.maxEventSize);
    this.ensure(this.used + PLUGIN_EVENT_PAYLOAD_OFFSET + size);
    this.reserved = size;
    return this.used + PLUGIN_EVENT_PAYLOAD_OFFSET;
  }

  /** Completes the event reserved with `reserve`, whose payload is the first `size` bytes of the view. */
  commit(size: number, timestamp?: Timestamp): void {
    if (this.reserved < 0 || size > this.reserved || size < 0) {
      throw new ContractRangeError(`commit(${size}) does not match a reserve() of ${this.reserved} bytes`);
    }
    this.reserved = -1;
    const at = this.used;
    const total = PLUGIN_EVENT_PAYLOAD_OFFSET + size;
    this.writeTimestamp(at, timestamp);
    writePluginEventFrame(this.view, at, size, 0);
    this.used = at + total;
    this.count++;
  }

  private writeText(text: string, timestamp?: Timestamp): void {
    const length = text.length;
    if (length > this.maxEventSize) throw new EventTooLargeError(Buffer.byteLength(text), this.maxEventSize);
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4).
    const room = 3 * length;
    if (length > MEDIUM_TEXT || room > this.maxEventSize) {
      const size = Buffer.byteLength(text);
      const at = this.begin(size); // throws when too large; may move the batch to a larger buffer
      this.commit(utf8Write(this.text, text, at, size), timestamp);
      return;
    }
    const at = this.begin(room);
    const ascii = writeShortAscii(this.bytes, text, at);
    this.commit(ascii >= 0 ? ascii : utf8Write(this.text, text, at, room), timestamp);
  }

  private writeTimestamp(at: number, timestamp: Timestamp | undefined): void {
    const v = this.view;
    if (timestamp === undefined) {
      v.setUint32(at + EVENT_TS_OFFSET, 0xffffffff, true);
      v.setUint32(at + EVENT_TS_OFFSET + 4, 0xffffffff, true);
    } else if (typeof timestamp === 'number') {
      if (!Number.isFinite(timestamp) || timestamp < 0) {
        throw new ContractRangeError(`timestamp ${timestamp} is not a non-negative number of nanoseconds`);
      }
      v.setUint32(at + EVENT_TS_OFFSET, timestamp % TWO_32, true);
      v.setUint32(at + EVENT_TS_OFFSET + 4, Math.floor(timestamp / TWO_32), true);
    } else if (typeof timestamp === 'bigint') {
      // Sources stamp many events with one time: its two halves are computed once.
      if (timestamp !== this.lastBigTimestamp) {
        const ts = BigInt.asUintN(64, timestamp);
        this.lastTimestampLow = Number(ts & 0xffff_ffffn);
        this.lastTimestampHigh = Number(ts >> 32n);
        this.lastBigTimestamp = timestamp;
      }
      v.setUint32(at + EVENT_TS_OFFSET, this.lastTimestampLow, true);
      v.setUint32(at + EVENT_TS_OFFSET + 4, this.lastTimestampHigh, true);
    } else {
      v.setBigUint64(at + EVENT_TS_OFFSET, BigInt(timestamp.getTime()) * 1_000_000n, true);
    }
  }

  private ensure(needed: number): void {
    if (needed <= this.buffer.byteLength) return;
    this.buffer = grownBuffer(this.buffer, needed, this.used);
    this.bytes = new Uint8Array(this.buffer);
    this.text = Buffer.from(this.buffer);
    this.view = new DataView(this.buffer);
    this.memory.adopt(BufferKind.Batch, this.handle, this.buffer);
  }
}

/** Why the host would refuse a complete event from a plugin with this id, or undefined. */
function checkEventFrame(event: Uint8Array, pluginId: number): string | undefined {
  if (!(event instanceof Uint8Array)) return 'the event must be a Uint8Array';
  if (event.length < EVENT_HEADER_SIZE)
    return `an event of ${event.length} bytes is shorter than the ${EVENT_HEADER_SIZE}-byte header`;
  const view = new DataView(event.buffer, event.byteOffset, event.byteLength);
  const len = view.getUint32(EVENT_LEN_OFFSET, true);
  if (len !== event.length) return `the event's len (${len}) is not its size (${event.length} bytes)`;
  const type = view.getUint16(EVENT_TYPE_OFFSET, true);
  const nparams = view.getUint32(EVENT_NPARAMS_OFFSET, true);
  const pluginEvent = type === PLUGIN_EVENT_TYPE;
  if (pluginId !== 0 && !pluginEvent) {
    return `event type ${type} refused: a plugin with an event source id (${pluginId}) emits only plugin events (type ${PLUGIN_EVENT_TYPE}); a source of other event types declares no id`;
  }
  if (!pluginEvent) return undefined;
  if (nparams !== 2 || len < PLUGIN_EVENT_PAYLOAD_OFFSET)
    return `a plugin event has 2 parameters and at least ${PLUGIN_EVENT_PAYLOAD_OFFSET} bytes (it has ${nparams}, ${len} bytes)`;
  const idLength = view.getUint32(EVENT_HEADER_SIZE, true);
  const payloadLength = view.getUint32(EVENT_HEADER_SIZE + 4, true);
  if (idLength !== 4 || PLUGIN_EVENT_PAYLOAD_OFFSET + payloadLength !== len)
    return `the plugin event's parameter lengths (${idLength}, ${payloadLength}) do not add up to its len (${len})`;
  const id = view.getUint32(EVENT_HEADER_SIZE + 8, true);
  if (id !== 0 && id !== pluginId)
    return `the plugin event's plugin id ${id} is not the plugin's (${pluginId}); 0 lets the host fill it in`;
  return undefined;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ContractRangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
