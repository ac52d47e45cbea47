/**
 * State tables in the harness: a plugin imports libsinsp's `threads` table, exports its own, and a second
 * plugin imports that one, with libsinsp's rules on when tables are read and written.
 */
import {
  BasePlugin,
  EventParsing,
  EventSourcing,
  FieldExtraction,
  BaseInstance,
  EOF,
  field,
  registerPlugin,
  subtable,
  type Entry,
  type EventReader,
  type ImportedSchema,
  type InitContext,
  type PluginInfo,
  type Table,
} from 'falco-plugin-sdk';
import { HarnessTables, PluginCallError, PluginHarness, pluginEvent } from 'falco-plugin-sdk/testing';
import counter from '../../examples/stateful/counter';
import peer from '../../examples/stateful/peer';

const info = (name: string): PluginInfo => ({ name, description: 'd', contact: 'c', version: '0.1.0' });

const ThreadsImport = {
  key: 'int64',
  fields: {
    comm: 'string',
    pid: 'int64',
    file_descriptors: subtable({ key: 'int64', fields: { name: 'string' } }),
  },
  add: { events: 'uint64' },
} as const;

/** Reads the thread whose tid is the event's payload; counts its events in a field it adds to `threads`. */
class ThreadReader extends EventParsing(FieldExtraction(BasePlugin)) {
  threads!: Table<ImportedSchema<typeof ThreadsImport>>;
  kept: Entry<ImportedSchema<typeof ThreadsImport>> | undefined;
  info() {
    return info('threadreader');
  }
  override init(config: unknown, { tables }: InitContext) {
    this.threads = tables.import('threads', ThreadsImport);
    if (String(config).includes('listed')) this.listed = tables.list();
  }
  listed: { name: string; keyType: string }[] = [];
  private tid(event: EventReader): bigint {
    return BigInt(event.text());
  }
  parseEvent(event: EventReader) {
    const thread = this.threads.get(this.tid(event));
    if (thread === undefined) return;
    thread.set('events', thread.get('events') + 1n);
    this.kept = thread;
  }
  fields() {
    return [
      field({ name: 'tr.comm', type: 'string', desc: 'comm' }, (r) =>
        this.threads.get(this.tid(r.event))?.get('comm'),
      ),
      field({ name: 'tr.events', type: 'uint64', desc: 'events' }, (r) =>
        this.threads.get(this.tid(r.event))?.get('events'),
      ),
      field({ name: 'tr.fds', type: 'string', desc: 'fd names', isList: true }, (r) => {
        const names: string[] = [];
        this.threads
          .get(this.tid(r.event))
          ?.subtable('file_descriptors')
          .forEach((fd) => {
            names.push(fd.get('name'));
          });
        return names;
      }),
      field({ name: 'tr.write', type: 'uint64', desc: 'writes during extraction' }, (r) => {
        this.threads.get(this.tid(r.event))?.set('events', 0n);
        return 0n;
      }),
      field({ name: 'tr.kept', type: 'string', desc: 'an entry kept from parseEvent' }, () =>
        this.kept?.get('comm'),
      ),
    ];
  }
}

/** Imports a table as it is told in its config (to check what the host refuses). */
class Importer extends FieldExtraction(BasePlugin) {
  info() {
    return info('importer');
  }
  override init(config: unknown, { tables }: InitContext) {
    const c = JSON.parse(config as string) as {
      table: string;
      key: 'int64' | 'string';
      fields: Record<string, 'string' | 'uint64'>;
    };
    tables.import(c.table, { key: c.key, fields: c.fields });
  }
  fields() {
    return [field({ name: 'imp.x', type: 'uint64', desc: 'x' }, () => 0n)];
  }
}

class Source extends EventSourcing(BasePlugin) {
  info() {
    return { ...info('source'), id: 999, eventSource: 's' };
  }
  override init(_config: unknown, { tables }: InitContext) {
    tables.list();
  }
  open() {
    return new (class extends BaseInstance {
      nextBatch() {
        return EOF;
      }
    })();
  }
}

const threads = new HarnessTables({
  threads: [
    { tid: 1, comm: 'init', exe: '/sbin/init', fds: [{ fd: 0, name: '/dev/null' }] },
    {
      tid: 42,
      pid: 40,
      comm: 'bash',
      fds: [
        { fd: 3, name: '/etc/passwd' },
        { fd: 4, name: '/tmp/x' },
      ],
    },
  ],
});

describe('state tables in the harness', () => {
  it('imports libsinsp-like threads, reads a sub-table, and writes a field it added', async () => {
    const harness = new PluginHarness(registerPlugin(ThreadReader), { tables: threads });
    const state = await harness.init('{"listed":true}');
    expect((state.symbols.state.plugin as ThreadReader).listed).toEqual([
      { name: 'threads', keyType: 'int64' },
    ]);
    const event = pluginEvent('42', { number: 1 });
    state.parse(event, 's');
    state.parse(pluginEvent('42', { number: 2 }), 's');
    expect(state.extract(event, 'tr.comm')).toBe('bash');
    expect(state.extract(event, 'tr.events')).toBe(2n);
    expect(state.extract(event, 'tr.fds')).toEqual(['/etc/passwd', '/tmp/x']);
    expect(state.extract(pluginEvent('7'), 'tr.comm')).toBeUndefined();
    expect(threads.dump('threads').entries.map((e) => [e.key, e.fields.comm, e.fields.events])).toEqual([
      [1n, 'init', 0n],
      [42n, 'bash', 2n],
    ]);
    await state.destroy();
  });

  it('refuses a write during extraction and an entry kept past its call, with messages naming them', async () => {
    const state = await new PluginHarness(registerPlugin(ThreadReader), { tables: threads }).init();
    const event = pluginEvent('1');
    state.parse(event, 's');
    expect(() => state.extract(event, 'tr.write')).toThrow(
      "cannot write table 'threads' during extract_fields: tables are written during init, parse_event, capture_open and capture_close",
    );
    expect(() => state.extract(event, 'tr.kept')).toThrow(
      'table entry used after the call that obtained it returned',
    );
    await state.destroy();
  });

  it('fails init for a missing table, a wrong key type, an undefined field and a wrong field type', async () => {
    const importer = new PluginHarness(registerPlugin(Importer), { tables: threads });
    const init = (table: string, key: string, fields: Record<string, string>) =>
      importer.init(JSON.stringify({ table, key, fields }));
    await expect(init('nope', 'int64', {})).rejects.toThrow(
      "cannot import table 'nope': no table named 'nope' (tables: threads)",
    );
    await expect(init('threads', 'string', {})).rejects.toThrow(
      "cannot import table 'threads': table 'threads' has key type int64, not string",
    );
    await expect(init('threads', 'int64', { nofield: 'string' })).rejects.toThrow(
      "cannot get field 'nofield' of table 'threads': table 'threads' has no field 'nofield'",
    );
    await expect(init('threads', 'int64', { comm: 'uint64' })).rejects.toThrow(
      "cannot get field 'comm' of table 'threads': field 'comm' of table 'threads' has type string, not uint64",
    );
  });

  it('gives tables only to plugins with parsing or extraction, as libsinsp', async () => {
    const error = await new PluginHarness(registerPlugin(Source)).init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginCallError);
    expect((error as PluginCallError).lastError).toBe(
      "cannot list tables: only plugins with event parsing or field extraction get the host's state tables",
    );
  });
});

describe('the stateful example in the harness', () => {
  it('counts per key in its exported table; the peer reads it and writes the field it added', async () => {
    const tables = new HarnessTables();
    const counterState = await new PluginHarness(counter, { tables }).init('{"buckets":2}');
    const peerState = await new PluginHarness(peer, { tables }).init();
    const rows: unknown[] = [];
    for (let i = 1; i <= 5; i++) {
      const event = pluginEvent(String(i), { number: i });
      counterState.parse(event, 'dummy');
      peerState.parse(event, 'dummy');
      rows.push([
        counterState.extract(event, 'counter.key'),
        counterState.extract(event, 'counter.count'),
        peerState.extract(event, 'peer.count[1]'),
        peerState.extract(event, 'peer.total'),
      ]);
    }
    expect(rows).toEqual([
      ['1', 1n, 1n, 1n],
      ['0', 1n, 1n, 2n],
      ['1', 2n, 2n, 3n],
      ['0', 2n, 2n, 4n],
      ['1', 3n, 3n, 5n],
    ]);
    expect(tables.dump('counts')).toEqual({
      size: 2,
      entries: [
        { key: '0', fields: { count: 2n, first: 2n, peer_seen: 2n } },
        { key: '1', fields: { count: 3n, first: 1n, peer_seen: 3n } },
      ],
    });
    await peerState.destroy();
    await counterState.destroy();
  });

  it('refuses a peer write to the read-only field of the exported table', async () => {
    class Writer extends EventParsing(FieldExtraction(BasePlugin)) {
      private counts!: Table<{ key: 'string'; fields: { first: 'uint64' } }>;
      info() {
        return info('writer');
      }
      override init(_c: unknown, { tables }: InitContext) {
        this.counts = tables.import('counts', { key: 'string', fields: { first: 'uint64' } });
      }
      parseEvent() {
        this.counts.get('a')?.set('first', 7n);
      }
      fields() {
        return [field({ name: 'w.x', type: 'uint64', desc: 'x' }, () => 0n)];
      }
    }
    const tables = new HarnessTables();
    const counterState = await new PluginHarness(counter, { tables }).init();
    const writer = await new PluginHarness(registerPlugin(Writer), { tables }).init();
    const event = pluginEvent('a');
    counterState.parse(event, 'dummy');
    expect(() => writer.parse(event, 'dummy')).toThrow(
      "cannot write field 'first' of table 'counts': the field is read-only",
    );
    await writer.destroy();
    await counterState.destroy();
  });
});
