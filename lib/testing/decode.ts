import { FIELD_TYPES, type FieldType } from '../sdk/fields/field-types';
import {
  EVENT_HEADER_SIZE,
  EVENT_LEN_OFFSET,
  EVENT_NPARAMS_OFFSET,
  EVENT_TS_OFFSET,
  EVENT_TYPE_OFFSET,
  PLUGIN_EVENT_PAYLOAD_OFFSET,
  PLUGIN_EVENT_TYPE,
  TIMESTAMP_NOW,
} from '../sdk/event-layout';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A value the harness decoded from the Results buffer. */
export type DecodedValue = string | bigint | boolean;

/** Decodes `count` values of `type` from a Results buffer (see `exchange-layout.ts`). */
export function decodeResults(buffer: ArrayBuffer, type: FieldType, count: number): DecodedValue[] {
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  const out: DecodedValue[] = [];
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 'uint64':
      case 'reltime':
      case 'abstime':
        out.push(view.getBigUint64(i * 8, true));
        break;
      case 'bool':
        out.push(view.getUint32(i * 4, true) !== 0);
        break;
      case 'string': {
        const at = view.getUint32(i * 8, true);
        const len = view.getUint32(i * 8 + 4, true);
        if (bytes[at + len] !== 0) throw new Error(`string value ${i} is not NUL-terminated`);
        out.push(utf8.decode(bytes.subarray(at, at + len)));
        break;
      }
      case 'ipaddr':
      case 'ipnet': {
        const at = view.getUint32(i * 8, true);
        const len = view.getUint32(i * 8 + 4, true);
        out.push(
          type === 'ipaddr'
            ? formatAddress(bytes.subarray(at, at + len))
            : formatNetwork(bytes.subarray(at, at + len)),
        );
        break;
      }
      default:
        throw new Error(`unknown field type ${String(type)}; expected one of ${FIELD_TYPES.join(', ')}`);
    }
  }
  return out;
}

/** Decodes the value offsets written next to `count` values. */
export function decodeOffsets(buffer: ArrayBuffer, count: number): { start: number; length: number }[] {
  const view = new DataView(buffer);
  return Array.from({ length: count }, (_, i) => ({
    start: view.getUint32(8 * count + 4 * i, true),
    length: view.getUint32(12 * count + 4 * i, true),
  }));
}

/** Text of 4 or 16 address bytes. */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function formatNetwork(bytes: Uint8Array): string {
  const half = bytes.length / 2;
  let prefix = 0;
  for (const b of bytes.subarray(half)) for (let bit = 7; bit >= 0; bit--) if (b & (1 << bit)) prefix++;
  return `${formatAddress(bytes.subarray(0, half))}/${prefix}`;
}

/** One event of a batch, as the host sees it. */
export interface RawEvent {
  /** The whole event as the host reads it (header, parameter lengths, parameters). */
  readonly bytes: Uint8Array;
  /** The timestamp in nanoseconds since the epoch ("now" already replaced by the time it was read). */
  readonly timestamp: bigint;
  /** The plugin id a plugin event carries (the host replaces 0 by the source's id); 0 for other events. */
  readonly pluginId: number;
}

/**
 * Splits a batch into events and checks each header as libscap's source plugin engine does; applies
 * the host's rewrites (plugin id 0 → the plugin's id, "now" timestamps → the current time).
 *
 * @throws Error naming the event index and the problem for malformed events.
 */
export function splitBatch(
  buffer: ArrayBuffer,
  count: number,
  pluginId: number,
  now: () => bigint,
): RawEvent[] {
  const view = new DataView(buffer);
  const events: RawEvent[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + EVENT_HEADER_SIZE > buffer.byteLength)
      throw new Error(`batch event ${i}: header outside the batch`);
    const len = view.getUint32(at + EVENT_LEN_OFFSET, true);
    const type = view.getUint16(at + EVENT_TYPE_OFFSET, true);
    const nparams = view.getUint32(at + EVENT_NPARAMS_OFFSET, true);
    if (len < EVENT_HEADER_SIZE || at + len > buffer.byteLength)
      throw new Error(`batch event ${i}: ${len} bytes do not fit the batch`);
    const bytes = new Uint8Array(buffer.slice(at, at + len));
    const eventView = new DataView(bytes.buffer);
    if (type !== PLUGIN_EVENT_TYPE && pluginId === 0) {
      // a source without an id may emit any event type, as it is
      if (eventView.getBigUint64(EVENT_TS_OFFSET, true) === TIMESTAMP_NOW)
        eventView.setBigUint64(EVENT_TS_OFFSET, now(), true);
      events.push({ bytes, timestamp: eventView.getBigUint64(EVENT_TS_OFFSET, true), pluginId });
      at += len;
      continue;
    }
    if (type !== PLUGIN_EVENT_TYPE || nparams !== 2 || len < PLUGIN_EVENT_PAYLOAD_OFFSET) {
      throw new Error(
        `batch event ${i}: malformed plugin event (type ${type}, ${nparams} params, ${len} bytes)`,
      );
    }
    const declaredId = eventView.getUint32(PLUGIN_EVENT_PAYLOAD_OFFSET - 4, true);
    if (declaredId !== 0 && declaredId !== pluginId) {
      throw new Error(`batch event ${i}: plugin id ${declaredId} differs from the plugin's id ${pluginId}`);
    }
    eventView.setUint32(PLUGIN_EVENT_PAYLOAD_OFFSET - 4, pluginId, true);
    if (eventView.getBigUint64(EVENT_TS_OFFSET, true) === TIMESTAMP_NOW)
      eventView.setBigUint64(EVENT_TS_OFFSET, now(), true);
    events.push({ bytes, timestamp: eventView.getBigUint64(EVENT_TS_OFFSET, true), pluginId });
    at += len;
  }
  return events;
}

/** The libscap type of an event (its header's `type`). */
export function eventTypeOf(event: RawEvent): number {
  return new DataView(event.bytes.buffer, event.bytes.byteOffset).getUint16(EVENT_TYPE_OFFSET, true);
}

/** The source of a plugin's own events: its eventSource, or the host's "syscall" for a source without one. */
export function ownEventSource(registration: {
  readonly info: { readonly eventSource?: string };
  readonly capabilities: { readonly sourcing: boolean };
}): string | undefined {
  return registration.info.eventSource ?? (registration.capabilities.sourcing ? 'syscall' : undefined);
}
