/* Capability mixins: a plugin composes exactly the capabilities it has. */
import type { z } from 'zod';
import { parseJsonInput } from '../sdk/json-input';
import type { EventReader } from '../sdk/event-reader';
import type { BasePlugin } from './base-plugin';

/** The property that marks a plugin class as an event source. */
export const SOURCING = '~capability.sourcing';
/** The property that marks a plugin class as a field extractor. */
export const EXTRACTION = '~capability.extraction';

/** Any (possibly abstract) class producing a `BasePlugin`; the `any[]` rest parameter is what TypeScript requires of mixin bases. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PluginBase = abstract new (...args: any[]) => BasePlugin;

/**
 * Adds event sourcing to a plugin: `open` returns an instance that produces batches of events.
 * Boilerplate provided: open params parsed and validated with `openParamsSchema` (zod), when declared.
 *
 * @example
 * class MySource extends EventSourcing(BasePlugin) { ... }
 */
export function EventSourcing<B extends PluginBase>(Base: B) {
  abstract class EventSourcingPlugin extends Base {
    declare readonly '~capability.sourcing': true;
    /**
     * The zod schema of the open params. When set, `open` receives the parsed params (an empty string
     * means `{}`, so defaults apply) and bad params fail `open` with a message naming the key.
     */
    readonly openParamsSchema?: z.ZodTypeAny;

    /** @internal Turns the host's open params string into what `open` receives. */
    decodeOpenParams(params: string): unknown {
      return this.openParamsSchema ? parseJsonInput('open params', params, this.openParamsSchema) : params;
    }
  }
  Object.defineProperty(EventSourcingPlugin.prototype, SOURCING, { value: true });
  return EventSourcingPlugin;
}

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
  Object.defineProperty(FieldExtractionPlugin.prototype, EXTRACTION, { value: true });
  return FieldExtractionPlugin;
}

/** Whether a plugin object has a capability (set by the mixins on the prototype chain). */
export function hasCapability(plugin: object, capability: typeof SOURCING | typeof EXTRACTION): boolean {
  return (plugin as Record<string, unknown>)[capability] === true;
}
