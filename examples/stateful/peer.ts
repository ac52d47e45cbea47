/**
 * A plugin that imports the table another plugin exports (`counts`, of `counter.ts`): it reads the counts
 * during extraction and adds a field of its own to the table, which it writes while parsing. Load it after
 * the counter: a plugin sees the tables of the plugins loaded before it.
 */
import {
  BasePlugin,
  EventParsing,
  FieldExtraction,
  field,
  PLUGIN_EVENT_TYPE,
  registerPlugin,
  type InitContext,
  type PluginInfo,
  type Table,
  type ImportedSchema,
} from 'falco-plugin-sdk';

// #region import
/** What this plugin reads of the `counts` table, and the field it adds. */
const CountsImport = {
  key: 'string',
  fields: { count: 'uint64' },
  add: { peer_seen: 'uint64' },
} as const;
// #endregion import

class Peer extends EventParsing(FieldExtraction(BasePlugin)) {
  private counts!: Table<ImportedSchema<typeof CountsImport>>;

  info(): PluginInfo {
    return {
      name: 'peer',
      description: 'Reads the "counts" table of the counter plugin and adds a field to it',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      // plugin events of any source: the key is read from the payload
      parseEventTypes: [PLUGIN_EVENT_TYPE],
    };
  }

  // #region init
  override init(_config: unknown, { tables }: InitContext): void {
    this.counts = tables.import('counts', CountsImport);
  }
  // #endregion init

  // #region parse
  parseEvent(): void {
    // the counter has counted this event (it was loaded first): mark the key as seen here too
    this.counts.forEach((entry) => {
      if (entry.get('peer_seen') !== entry.get('count')) entry.set('peer_seen', entry.get('count'));
    });
  }
  // #endregion parse

  // #region fields
  fields() {
    return [
      field(
        {
          name: 'peer.count',
          type: 'uint64',
          desc: 'The count of a key, read from the table',
          arg: { isKey: true, isRequired: true },
        },
        (req) => this.counts.get(req.argKey ?? '')?.get('count'),
      ),
      field({ name: 'peer.total', type: 'uint64', desc: 'Events counted over all keys' }, () => {
        let total = 0n;
        this.counts.forEach((entry) => {
          total += entry.get('count');
        });
        return total;
      }),
      field(
        { name: 'peer.seen', type: 'uint64', desc: 'The field this plugin added, summed over the keys' },
        () => {
          let seen = 0n;
          this.counts.forEach((entry) => {
            seen += entry.get('peer_seen');
          });
          return seen;
        },
      ),
    ];
  }
  // #endregion fields
}

export default registerPlugin(Peer);
