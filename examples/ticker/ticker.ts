/**
 * A push source: an RxJS Observable of ticks turned into events by `newPushInstance`, with a field over
 * each tick's JSON. Section 3 of docs/walkthrough.md shows its regions.
 */
// #region imports
import {
  BasePlugin,
  EventSourcing,
  FieldExtraction,
  fieldsWithContext,
  registerPlugin,
  z,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { newPushInstance, type PushInstance } from 'falco-plugin-sdk/prebuilts';
import { interval, map, take } from 'rxjs';
// #endregion imports

// #region open-params
/** Open params: how often a tick comes, and how many before the end of the capture. */
export const TickerOpenParams = z.object({
  periodMs: z.number().int().min(1).default(100).describe('Milliseconds between two ticks'),
  count: z.number().int().min(0).default(10).describe('How many ticks before EOF'),
});
type OpenParams = z.output<typeof TickerOpenParams>;
// #endregion open-params

// #region context
interface Tick {
  readonly tick: number;
}

const field = fieldsWithContext<Tick>();
// #endregion context

// #region class
export class TickerPlugin extends FieldExtraction(EventSourcing(BasePlugin)) {
  override readonly openParamsSchema = TickerOpenParams;

  info(): PluginInfo {
    return {
      id: 999,
      name: 'ticker',
      description: 'Ticks of an RxJS interval, as events',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      eventSource: 'ticker',
    };
  }
  // #endregion class

  // #region open
  open(params: OpenParams): PushInstance {
    const ticks = interval(params.periodMs).pipe(
      take(params.count), // completion of the Observable is EOF
      map((tick) => ({ data: JSON.stringify({ tick }) })),
    );
    return newPushInstance(ticks, { timeout: 50, bufferSize: 256, overflow: 'drop-oldest' });
  }
  // #endregion open

  // #region fields
  override eventContext(event: EventReader): Tick {
    return event.json<Tick>();
  }

  fields() {
    return [
      field(
        { name: 'ticker.tick', type: 'uint64', desc: 'The number of the tick, from 0' },
        (req) => req.context.tick,
      ),
    ];
  }
  // #endregion fields

  eventToString(event: EventReader): string {
    return event.text();
  }
}

export default registerPlugin(TickerPlugin);
