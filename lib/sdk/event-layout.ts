/**
 * The libscap event layout (little-endian, packed): a 26-byte header `ts u64, tid u64, len u32, type u16,
 * nparams u32`, then `nparams` u32 parameter lengths, then the parameters.
 */
export const EVENT_HEADER_SIZE = 26;
/** Offsets of the header members. */
export const EVENT_TS_OFFSET = 0;
export const EVENT_TID_OFFSET = 8;
export const EVENT_LEN_OFFSET = 16;
export const EVENT_TYPE_OFFSET = 20;
export const EVENT_NPARAMS_OFFSET = 22;
/** The event type of plugin events (PPME_PLUGINEVENT_E), with 2 params: plugin id u32, payload bytes. */
export const PLUGIN_EVENT_TYPE = 322;
/** Where the payload of a plugin event starts: header, two lengths, the plugin id. */
export const PLUGIN_EVENT_PAYLOAD_OFFSET = 38;
/** A timestamp of all ones asks the host to stamp the event with the current time. */
export const TIMESTAMP_NOW = 0xffff_ffff_ffff_ffffn;

/**
 * Writes the frame of a plugin event at `at`, all but the timestamp: a thread id of -1, the length, the type,
 * the two parameter lengths and the plugin id (0: the host fills in the source's). The payload of
 * `payloadSize` bytes follows at `at + PLUGIN_EVENT_PAYLOAD_OFFSET`.
 */
export function writePluginEventFrame(
  view: DataView,
  at: number,
  payloadSize: number,
  pluginId: number,
): void {
  view.setUint32(at + EVENT_TID_OFFSET, 0xffffffff, true);
  view.setUint32(at + EVENT_TID_OFFSET + 4, 0xffffffff, true);
  view.setUint32(at + EVENT_LEN_OFFSET, PLUGIN_EVENT_PAYLOAD_OFFSET + payloadSize, true);
  view.setUint16(at + EVENT_TYPE_OFFSET, PLUGIN_EVENT_TYPE, true);
  view.setUint32(at + EVENT_NPARAMS_OFFSET, 2, true);
  view.setUint32(at + EVENT_HEADER_SIZE, 4, true);
  view.setUint32(at + EVENT_HEADER_SIZE + 4, payloadSize, true);
  view.setUint32(at + EVENT_HEADER_SIZE + 8, pluginId, true);
}
