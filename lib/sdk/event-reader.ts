import {
  EVENT_HEADER_SIZE,
  EVENT_LEN_OFFSET,
  EVENT_NPARAMS_OFFSET,
  EVENT_TS_OFFSET,
  EVENT_TYPE_OFFSET,
  PLUGIN_EVENT_PAYLOAD_OFFSET,
  PLUGIN_EVENT_TYPE,
} from './event-layout';

/**
 * Read access to the event the host passes to extraction and `event_to_string`. The reader is reused
 * from event to event: keep the values you need, not the reader or its views.
 */
export class EventReader {
  private buffer: ArrayBuffer;
  private bytes: Uint8Array;
  private view: DataView;
  // A Node Buffer over the same memory: its UTF-8 decoding is the fastest for small payloads.
  private text8: Buffer;
  private eventNumber = 0;
  private length = 0;
  private payloadView: Uint8Array | undefined;

  /** @internal */
  constructor(buffer: ArrayBuffer) {
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.text8 = Buffer.from(buffer);
  }

  /** @internal Points the reader at the event now held in `buffer`. */
  reset(buffer: ArrayBuffer, eventNumber: number, length: number): void {
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.bytes = new Uint8Array(buffer);
      this.view = new DataView(buffer);
      this.text8 = Buffer.from(buffer);
    }
    this.eventNumber = eventNumber;
    this.length = length;
    this.payloadView = undefined;
    if (length < EVENT_HEADER_SIZE || this.view.getUint32(EVENT_LEN_OFFSET, true) > length) {
      throw new Error(`malformed event ${eventNumber}: ${length} bytes do not hold the header it declares`);
    }
  }

  /** The host's event number (unique per capture, increasing). */
  get number(): number {
    return this.eventNumber;
  }

  /** The event timestamp in nanoseconds since the epoch. */
  get timestamp(): bigint {
    return this.view.getBigUint64(EVENT_TS_OFFSET, true);
  }

  /** The libscap event type (322 for plugin events). */
  get type(): number {
    return this.view.getUint16(EVENT_TYPE_OFFSET, true);
  }

  /** The whole event, header included, as the host passed it. */
  get raw(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** Number of parameters of the event. */
  get paramCount(): number {
    return this.view.getUint32(EVENT_NPARAMS_OFFSET, true);
  }

  /**
   * The id of the plugin that produced a plugin event (first parameter), or `undefined` for other types.
   */
  get pluginId(): number | undefined {
    return this.type === PLUGIN_EVENT_TYPE
      ? this.view.getUint32(PLUGIN_EVENT_PAYLOAD_OFFSET - 4, true)
      : undefined;
  }

  /**
   * The payload of a plugin event: the bytes the source plugin wrote. A view on host-owned memory, valid
   * until the next event.
   *
   * @throws Error for an event that is not a well-formed plugin event.
   */
  get data(): Uint8Array {
    if (this.payloadView === undefined) {
      this.payloadView = this.bytes.subarray(
        PLUGIN_EVENT_PAYLOAD_OFFSET,
        PLUGIN_EVENT_PAYLOAD_OFFSET + this.payloadLength(),
      );
    }
    return this.payloadView;
  }

  /**
   * Runs `read` on the payload in place, without creating a view: `bytes[start..end)` is the payload.
   * For hot extraction paths that parse bytes themselves (a view costs an allocation per event).
   */
  withPayload<T>(read: (bytes: Uint8Array, start: number, end: number) => T): T {
    return read(this.bytes, PLUGIN_EVENT_PAYLOAD_OFFSET, PLUGIN_EVENT_PAYLOAD_OFFSET + this.payloadLength());
  }

  /** The payload decoded as UTF-8 text. */
  text(): string {
    return this.text8.toString(
      'utf8',
      PLUGIN_EVENT_PAYLOAD_OFFSET,
      PLUGIN_EVENT_PAYLOAD_OFFSET + this.payloadLength(),
    );
  }

  /**
   * The payload parsed as JSON.
   *
   * @throws Error naming the event number when the payload is not valid JSON.
   */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text()) as T;
    } catch (err) {
      throw new Error(`event ${this.eventNumber}: payload is not valid JSON (${(err as Error).message})`);
    }
  }

  private payloadLength(): number {
    if (this.type !== PLUGIN_EVENT_TYPE || this.paramCount !== 2) {
      throw new Error(
        `event ${this.eventNumber} is not a plugin event (type ${this.type}, ${this.paramCount} params)`,
      );
    }
    const declared = this.view.getUint32(EVENT_HEADER_SIZE + 4, true);
    if (PLUGIN_EVENT_PAYLOAD_OFFSET + declared > this.length) {
      throw new Error(`malformed event ${this.eventNumber}: payload length ${declared} exceeds the event`);
    }
    return declared;
  }
}
