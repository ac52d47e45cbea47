import type { z } from 'zod';
import { parseJsonInput, parsingSchema } from '../../sdk/json-input';
import { markCapability, type PluginBase } from '../capability';

/** The property that marks a plugin class as an event source. */
export const SOURCING = '~capability.sourcing';

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
    /** Make the open params reject undeclared keys, as `strictInitSchema` does for the config (off by default). */
    readonly strictOpenParams: boolean = false;

    /** @internal Turns the host's open params string into what `open` receives. */
    decodeOpenParams(params: string): unknown {
      return this.openParamsSchema
        ? parseJsonInput(
            'open params',
            params,
            parsingSchema(this.openParamsSchema, { strict: this.strictOpenParams }),
          )
        : params;
    }
  }
  markCapability(EventSourcingPlugin, SOURCING);
  return EventSourcingPlugin;
}
