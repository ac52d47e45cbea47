import type { EventReader } from '../../sdk/event-reader';
import { markCapability, type PluginBase } from '../capability';

/** The property that marks a plugin class as a field extractor. */
export const EXTRACTION = '~capability.extraction';

/**
 * Adds field extraction to a plugin: `fields()` declares the fields, each with its extractor or handled by
 * the plugin's `extract` method. Boilerplate provided: the per-event context cache — `eventContext` runs
 * once per event, whichever fields the host asks for.
 *
 * @example
 * class MyExtractor extends FieldExtraction(BasePlugin) { ... }
 */
export function FieldExtraction<B extends PluginBase>(Base: B) {
  abstract class FieldExtractionPlugin extends Base {
    declare readonly '~capability.extraction': true;

    /**
     * Computes what the fields of one event share (typically the parsed payload). Called at most once per
     * event; its result is `request.context`. The default returns `undefined`.
     */
    eventContext(_event: EventReader): unknown {
      return undefined;
    }
  }
  markCapability(FieldExtractionPlugin, EXTRACTION);
  return FieldExtractionPlugin;
}
