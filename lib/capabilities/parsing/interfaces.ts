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
  parseEvent(event: EventReader, context: ParseContext): void;
}
