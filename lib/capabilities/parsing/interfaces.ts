/** The small interfaces of event parsing. */
import type { EventReader } from '../../sdk/event-reader';

/** What the host says about the event being parsed, beside the event itself. */
export interface ParseContext {
  /** The event source the event belongs to (`syscall`, or a source plugin's `eventSource`). */
  readonly source: string;
}

/**
 * Parsing of one event, on the host's event thread, before the rules see it. Synchronous: a returned
 * Promise fails the call. Throwing fails the call with the error's message; the host logs it and goes on.
 */
export interface ParseEvent {
  /**
   * Parses one event (`plugin_parse_event`): called for every event of the sources and types the plugin
   * declares (`parseEventSources`, `parseEventTypes`), before the rules see it. The host's tables
   * may be read and written here.
   *
   * @param event - the event, read in place: valid during the call only.
   * @param context - what the host says about the event, such as its source; also reused from call to call.
   */
  parseEvent(event: EventReader, context: ParseContext): void;
}
