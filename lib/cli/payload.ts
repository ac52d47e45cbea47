import type { PluginRegistration } from '../plugins/registration';

/** The section of a plugin library that holds its payload (native/plugin/src/payload.cc reads it). */
export const PAYLOAD_SECTION = '.falco_ts_payload';
const MAGIC = Buffer.from('FALCOTS\0', 'latin1');
const FORMAT_VERSION = 6;

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

function text(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([u32(bytes.length), bytes]);
}

/** A list of event type codes: u32 count, then u16 each. */
function eventTypes(types: readonly number[]): Buffer {
  const bytes = Buffer.alloc(2 * types.length);
  types.forEach((t, i) => bytes.writeUInt16LE(t, 2 * i));
  return Buffer.concat([u32(types.length), bytes]);
}

/** Alignment of the code cache in the payload (the payload itself starts 16-byte aligned in the file). */
const CODE_CACHE_ALIGNMENT = 16;

/**
 * The payload of a plugin library: its static information (what the state-less symbols answer), its
 * JavaScript bundle and the V8 code cache made for it (empty: none), in the layout
 * native/plugin/src/payload.cc documents.
 */
export function encodePayload(
  registration: PluginRegistration,
  bundle: Buffer,
  codeCache: Buffer = Buffer.alloc(0),
): Buffer {
  const { info, capabilities } = registration;
  const flags =
    (capabilities.sourcing ? 1 : 0) |
    (capabilities.extraction ? 2 : 0) |
    (capabilities.parsing ? 4 : 0) |
    (capabilities.listening ? 8 : 0) |
    (capabilities.async ? 16 : 0);
  const head = Buffer.concat([
    MAGIC,
    u32(FORMAT_VERSION),
    u32(flags),
    u32(info.id ?? 0),
    text(info.requiredApiVersion),
    text(info.version),
    text(info.name),
    text(info.description),
    text(info.contact),
    text(info.eventSource ?? ''),
    text(registration.fieldsJson),
    text(registration.initSchemaJson),
    text(registration.extractEventSourcesJson),
    text(bundle),
    eventTypes(registration.extractEventTypes),
    text(registration.parseEventSourcesJson),
    eventTypes(registration.parseEventTypes),
    u32(registration.callDeadlinesMs.length),
    ...registration.callDeadlinesMs.map(u32),
    u32(registration.heapLimitMiB),
    text(info.requiredEventSchemaVersion ?? ''),
    text(registration.asyncEventsJson),
    text(registration.asyncEventSourcesJson),
  ]);
  // u32 padding length + padding, then the cache's u32 length: its bytes start aligned.
  const padding = (CODE_CACHE_ALIGNMENT - ((head.length + 8) % CODE_CACHE_ALIGNMENT)) % CODE_CACHE_ALIGNMENT;
  return Buffer.concat([head, u32(padding), Buffer.alloc(padding), text(codeCache)]);
}
