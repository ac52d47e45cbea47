import { markCapability, type PluginBase } from '../capability';

/** The property that marks a plugin class as an event parser. */
export const PARSING = '~capability.parsing';

/**
 * Adds event parsing to a plugin: the host calls `parseEvent` for every event of the sources and types the
 * plugin declares (`parseEventSources`, `parseEventTypes` in its info), before the rules see it. A parser
 * keeps state across events (counts, caches, what a later event's fields need) and, with the host's tables,
 * shares it with libsinsp and other plugins.
 *
 * @example
 * class Counter extends EventParsing(FieldExtraction(BasePlugin)) {
 *   parseEvent(event: EventReader, context: ParseContext): void { ... }
 * }
 */
export function EventParsing<B extends PluginBase>(Base: B) {
  abstract class EventParsingPlugin extends Base {
    declare readonly '~capability.parsing': true;
  }
  markCapability(EventParsingPlugin, PARSING);
  return EventParsingPlugin;
}
