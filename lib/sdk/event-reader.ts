import {
  EVENT_HEADER_SIZE,
  EVENT_LEN_OFFSET,
  EVENT_NPARAMS_OFFSET,
  EVENT_TS_OFFSET,
  EVENT_TYPE_OFFSET,
  PLUGIN_EVENT_PAYLOAD_OFFSET,
  PLUGIN_EVENT_TYPE,
} from './event-layout';

/** The timestamp a source leaves for the host to fill in (UINT64_MAX). */
const HOST_FILLS_TIMESTAMP = 0xffffffffffffffffn;

/**
 * @internal Thrown by the reader while the SDK computes a field ahead of the host's call, for a value that
 * only the host's call knows: the field is then extracted at the host's call instead.
 */
export class PrefetchUnavailable extends Error {
  constructor(what: string) {
    super(`${what} is not known before the host's call`);
    this.name = 'PrefetchUnavailable';
  }
}

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
  /** Where the event starts in the buffer. */
  private at = 0;
  /**
   * While the SDK computes fields ahead of the host's calls: values the host fills in after `next_batch`
   * (the event number; a timestamp or plugin id left for the host) are not known yet.
   */
  private ahead = false;
  /** @internal Set when a value only the host's call knows was asked for while `ahead` (even if caught). */
  askedHostValue = false;
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
    this.resetAt(buffer, 0, length, eventNumber, false);
  }

  /**
   * @internal Points the reader at the event at `offset` in `buffer`; `ahead` while fields are computed
   * ahead of the host's calls (see `PrefetchUnavailable`).
   */
  resetAt(buffer: ArrayBuffer, offset: number, length: number, eventNumber: number, ahead: boolean): void {
    this.at = offset;
    this.ahead = ahead;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.bytes = new Uint8Array(buffer);
      this.view = new DataView(buffer);
      this.text8 = Buffer.from(buffer);
    }
    this.eventNumber = eventNumber;
    this.length = length;
    this.payloadView = undefined;
    if (length < EVENT_HEADER_SIZE || this.view.getUint32(offset + EVENT_LEN_OFFSET, true) > length) {
      throw new Error(`malformed event ${eventNumber}: ${length} bytes do not hold the header it declares`);
    }
  }

  private unavailable(what: string): PrefetchUnavailable {
    this.askedHostValue = true;
    return new PrefetchUnavailable(what);
  }

  /** The host's event number (unique per capture, increasing). */
  get number(): number {
    if (this.ahead) throw this.unavailable('the event number');
    return this.eventNumber;
  }

  /** The event timestamp in nanoseconds since the epoch. */
  get timestamp(): bigint {
    const ts = this.view.getBigUint64(this.at + EVENT_TS_OFFSET, true);
    if (this.ahead && ts === HOST_FILLS_TIMESTAMP) throw this.unavailable('the timestamp');
    return ts;
  }

  /** The libscap event type (322 for plugin events). */
  get type(): number {
    return this.view.getUint16(this.at + EVENT_TYPE_OFFSET, true);
  }

  /** The whole event, header included, as the host passed it. */
  get raw(): Uint8Array {
    if (this.ahead) throw this.unavailable('the raw event');
    return this.bytes.subarray(this.at, this.at + this.length);
  }

  /** Number of parameters of the event. */
  get paramCount(): number {
    return this.view.getUint32(this.at + EVENT_NPARAMS_OFFSET, true);
  }

  /**
   * The id of the plugin that produced a plugin event (first parameter), or `undefined` for other types.
   */
  get pluginId(): number | undefined {
    if (this.type !== PLUGIN_EVENT_TYPE) return undefined;
    const id = this.view.getUint32(this.at + PLUGIN_EVENT_PAYLOAD_OFFSET - 4, true);
    if (this.ahead && id === 0) throw this.unavailable('the plugin id');
    return id;
  }

  /**
   * The payload of a plugin event: the bytes the source plugin wrote. A view on host-owned memory, valid
   * until the next event.
   *
   * @throws Error for an event that is not a well-formed plugin event.
   */
  get data(): Uint8Array {
    if (this.payloadView === undefined) {
      const start = this.at + PLUGIN_EVENT_PAYLOAD_OFFSET;
      this.payloadView = this.bytes.subarray(start, start + this.payloadLength());
    }
    return this.payloadView;
  }

  /**
   * Runs `read` on the payload in place, without creating a view: `bytes[start..end)` is the payload.
   * For hot extraction paths that parse bytes themselves (a view costs an allocation per event).
   */
  withPayload<T>(read: (bytes: Uint8Array, start: number, end: number) => T): T {
    const start = this.at + PLUGIN_EVENT_PAYLOAD_OFFSET;
    return read(this.bytes, start, start + this.payloadLength());
  }

  /** The payload decoded as UTF-8 text. */
  text(): string {
    const start = this.at + PLUGIN_EVENT_PAYLOAD_OFFSET;
    return this.text8.toString('utf8', start, start + this.payloadLength());
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
    const declared = this.view.getUint32(this.at + EVENT_HEADER_SIZE + 4, true);
    if (PLUGIN_EVENT_PAYLOAD_OFFSET + declared > this.length) {
      throw new Error(`malformed event ${this.eventNumber}: payload length ${declared} exceeds the event`);
    }
    return declared;
  }
}
