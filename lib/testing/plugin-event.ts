import { EVENT_TS_OFFSET, PLUGIN_EVENT_PAYLOAD_OFFSET, writePluginEventFrame } from '../sdk/event-layout';
import type { CapturedEvent } from './harness-types';

/** Options of `pluginEvent`. */
export interface PluginEventOptions {
  /** The event number the host gave it (default 1). */
  readonly number?: number;
  /** The id of the plugin that produced it (default 999). */
  readonly pluginId?: number;
  /** Its timestamp in nanoseconds (default 0). */
  readonly timestamp?: bigint;
}

/**
 * A plugin event (type 322) carrying `payload`, as a source plugin's `nextBatch` would have produced it: for
 * tests of plugins that parse or extract the events of another plugin.
 *
 * @example
 * state.parse(pluginEvent('a', { number: 1 }), 'letters');
 */
export function pluginEvent(payload: string | Uint8Array, options: PluginEventOptions = {}): CapturedEvent {
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const bytes = new Uint8Array(PLUGIN_EVENT_PAYLOAD_OFFSET + body.length);
  const view = new DataView(bytes.buffer);
  const timestamp = options.timestamp ?? 0n;
  const pluginId = options.pluginId ?? 999;
  view.setBigUint64(EVENT_TS_OFFSET, timestamp, true);
  writePluginEventFrame(view, 0, body.length, pluginId);
  bytes.set(body, PLUGIN_EVENT_PAYLOAD_OFFSET);
  return { bytes, timestamp, pluginId, number: options.number ?? 1 };
}
