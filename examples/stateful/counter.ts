/**
 * A stateful plugin: it parses every event, counts the events of each key in a table it exports (`counts`),
 * and exposes the count as a field. Other plugins (see `peer.ts`) and libsinsp read the table by name.
 *
 * The key of an event is its payload text or, with `buckets` set and a decimal payload (the dummy's samples),
 * the sample modulo `buckets`.
 */
import {
  BasePlugin,
  EventParsing,
  FieldExtraction,
  field,
  readOnly,
  PLUGIN_EVENT_TYPE,
  registerPlugin,
  tableSchema,
  z,
  type EventReader,
  type InitContext,
  type PluginInfo,
  type Table,
} from 'falco-plugin-sdk';

const CounterConfig = z.object({
  buckets: z.number().int().min(1).optional().describe('Count decimal payloads modulo this many buckets'),
});
type Config = z.output<typeof CounterConfig>;

// #region schema
/** The exported table: per key, how many events had it and the number of the first one. */
export const Counts = tableSchema({
  key: 'string',
  fields: { count: 'uint64', first: readOnly('uint64') },
});
// #endregion schema

const MAX_KEY_LENGTH = 64;

// #region info
class Counter extends EventParsing(FieldExtraction(BasePlugin)) {
  override readonly initSchema = CounterConfig;
  private buckets: number | undefined;
  private counts!: Table<typeof Counts>;

  info(): PluginInfo {
    return {
      name: 'counter',
      description: 'Counts the events of each key in its exported table "counts"',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      // plugin events of any source: the key is read from the payload
      parseEventTypes: [PLUGIN_EVENT_TYPE],
    };
  }
  // #endregion info

  // #region init
  override init(config: Config, { tables }: InitContext): void {
    this.buckets = config.buckets;
    this.counts = tables.export('counts', Counts);
  }
  // #endregion init

  // #region key-of
  /** The key of an event. */
  keyOf(event: EventReader): string {
    const text = event.text().slice(0, MAX_KEY_LENGTH);
    if (this.buckets === undefined || !/^\d+$/.test(text)) return text;
    return String(BigInt(text) % BigInt(this.buckets));
  }
  // #endregion key-of

  // #region parse
  parseEvent(event: EventReader): void {
    const key = this.keyOf(event);
    const entry = this.counts.get(key);
    if (entry === undefined) this.counts.add(key, { count: 1n, first: BigInt(event.number) });
    else entry.set('count', entry.get('count') + 1n);
  }
  // #endregion parse

  // #region fields
  fields() {
    return [
      field({ name: 'counter.key', type: 'string', desc: 'The key the event is counted under' }, (req) =>
        this.keyOf(req.event),
      ),
      field({ name: 'counter.count', type: 'uint64', desc: 'Events with this key so far' }, (req) =>
        this.counts.get(this.keyOf(req.event))?.get('count'),
      ),
      field(
        { name: 'counter.keys', type: 'uint64', desc: 'How many keys were counted' },
        () => this.counts.size,
      ),
    ];
  }
  // #endregion fields
}

export default registerPlugin(Counter);
