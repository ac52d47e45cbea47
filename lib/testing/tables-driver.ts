import type {
  BackendValue,
  ListedField,
  OwnedFieldSpec,
  TablesBackend,
} from '../capabilities/tables/backend';
import { StateType, typeName } from '../capabilities/tables/schema';
import { MemoryTable, TableDefinition, type MemoryEntry, type MemoryField } from './memory-table';

/** A thread of the harness's `threads` table, as a test seeds it. */
export interface ThreadSeed {
  /** The thread id: the entry's key and its `tid` field. */
  readonly tid: number | bigint;
  /** The process id (`pid`; default: the thread id). */
  readonly pid?: number | bigint;
  /** The parent's process id (`ptid`; left unset by default). */
  readonly ptid?: number | bigint;
  /** The command name (`comm`). */
  readonly comm?: string;
  /** The `exe` field: in libsinsp, the first command-line argument. */
  readonly exe?: string;
  /** The `exe_path` field: in libsinsp, the executable's full path. */
  readonly exe_path?: string;
  /** The user id (`uid`). */
  readonly uid?: number;
  /** The group id (`gid`). */
  readonly gid?: number;
  /** Its file descriptors (the `file_descriptors` sub-table). */
  readonly fds?: readonly {
    /** The fd number: the sub-table entry's key. */
    readonly fd: number | bigint;
    /** The fd's `name` field (a path, a connection, …). */
    readonly name?: string;
    /** The fd's `type` field (a uint8 code). */
    readonly type?: number;
  }[];
}

/** A table's contents, as `HarnessTables.dump` and the native host's `--dump-table` print them. */
export interface TableDump {
  /** The number of entries. */
  readonly size: number;
  /** The entries, sorted by key. */
  readonly entries: {
    /** The entry's key. */
    readonly key: BackendValue;
    /** Every field of the entry by name: its value, or the dump of a sub-table. */
    readonly fields: Record<string, BackendValue | TableDump>;
  }[];
}

/** The host calls that hand tables to a plugin, and what each allows. */
export type TableCall = 'init' | 'parse_event' | 'extract_fields' | 'capture_open' | 'capture_close';

const ACCESS: Record<TableCall, { read: boolean; write: boolean; init: boolean }> = {
  init: { read: true, write: true, init: true },
  parse_event: { read: true, write: true, init: false },
  extract_fields: { read: true, write: false, init: false },
  capture_open: { read: true, write: true, init: false },
  capture_close: { read: true, write: true, init: false },
};

const FD_TABLE_FIELDS: OwnedFieldSpec[] = [
  { name: 'type', type: StateType.uint8, readOnly: false },
  { name: 'name', type: StateType.string, readOnly: false },
];
const THREAD_FIELDS: OwnedFieldSpec[] = [
  { name: 'tid', type: StateType.int64, readOnly: false },
  { name: 'pid', type: StateType.int64, readOnly: false },
  { name: 'ptid', type: StateType.int64, readOnly: false },
  { name: 'comm', type: StateType.string, readOnly: false },
  { name: 'exe', type: StateType.string, readOnly: false },
  { name: 'exe_path', type: StateType.string, readOnly: false },
  { name: 'uid', type: StateType.uint32, readOnly: false },
  { name: 'gid', type: StateType.uint32, readOnly: false },
  {
    name: 'file_descriptors',
    type: StateType.table,
    readOnly: true,
    subtable: { keyType: StateType.int64, fields: FD_TABLE_FIELDS },
  },
];

/**
 * The host's state tables in the harness, as libsinsp keeps them: a `threads` table like libsinsp's (seeded
 * by the test), and the tables plugins export. Give the same instance to several harnesses
 * (`new PluginHarness(plugin, { tables })`) for their plugins to share tables; their states then see each
 * other's tables in the order they were initialized.
 *
 * @example
 * const tables = new HarnessTables({ threads: [{ tid: 1, comm: 'init' }] });
 * const counter = await new PluginHarness(counterPlugin, { tables }).init();
 * const reader = await new PluginHarness(readerPlugin, { tables }).init();
 */
export class HarnessTables {
  private readonly tables = new Map<string, MemoryTable>();

  constructor(options: { readonly threads?: readonly ThreadSeed[] } = {}) {
    const threads = new MemoryTable(new TableDefinition('threads', StateType.int64, THREAD_FIELDS), 'host');
    this.tables.set('threads', threads);
    for (const seed of options.threads ?? []) seedThread(threads, seed);
  }

  /** The names of the tables, in the order they were added. */
  names(): string[] {
    return [...this.tables.keys()];
  }

  /**
   * A table's contents, entries sorted by key, read as another plugin would.
   *
   * @throws Error when there is no such table.
   */
  dump(name: string): TableDump {
    const table = this.tables.get(name);
    if (table === undefined) throw new Error(`no table '${name}' to dump`);
    return dumpTable(table);
  }

  /** @internal */
  lookup(name: string): MemoryTable | undefined {
    return this.tables.get(name);
  }

  /** @internal */
  register(table: MemoryTable): void {
    if (this.tables.has(table.name))
      throw new Error(`cannot add table '${table.name}': a table has that name`);
    this.tables.set(table.name, table);
  }

  /** @internal The tables as one plugin state sees them. */
  connect(): HarnessTablesBackend {
    return new HarnessTablesBackend(this);
  }
}

interface TableRef {
  readonly table: MemoryTable;
  readonly owned: boolean;
  /** The call generation an ephemeral (sub-table) handle belongs to; undefined: lasting. */
  readonly generation?: number;
}

interface EntryRef {
  readonly table: MemoryTable;
  readonly entry: MemoryEntry;
  kind: 'obtained' | 'created' | 'lent' | 'done';
}

const ENTRY_SLOTS = 1 << 20;

/**
 * One plugin state's view of the harness's tables: the handles it holds, and the host call whose vtables it
 * may use (`enter` / `leave`, driven by the harness around each call). Entries obtained during a call are
 * given back when it returns, as the native layer does.
 */
export class HarnessTablesBackend implements TablesBackend {
  private readonly tableRefs: TableRef[] = [];
  private readonly fieldRefs: MemoryField[] = [];
  private entryRefs: EntryRef[] = [];
  private generation = 0;
  private call: TableCall | undefined;

  constructor(private readonly host: HarnessTables) {}

  /** @internal The host call starts: its tables are usable. */
  enter(call: TableCall): void {
    this.call = call;
  }

  /** @internal The host call returned: its entries and sub-tables are given back. */
  leave(): void {
    this.call = undefined;
    this.entryRefs = [];
    this.generation++;
  }

  listTables(): { name: string; keyType: number }[] {
    this.requireInit('list tables');
    return this.host
      .names()
      .map((name) => ({ name, keyType: this.host.lookup(name)?.definition.keyType ?? 0 }));
  }

  getTable(name: string, keyType: number): number {
    this.requireInit(`import table '${name}'`);
    const table = this.host.lookup(name);
    if (table === undefined) {
      const names = this.host.names().join(', ');
      throw new Error(`cannot import table '${name}': no table named '${name}' (tables: ${names})`);
    }
    const actual = table.definition.keyType;
    if (actual !== keyType) {
      throw new Error(
        `cannot import table '${name}': table '${name}' has key type ${typeName(actual)}, not ${typeName(keyType)}`,
      );
    }
    return this.tableRefs.push({ table, owned: false }) - 1;
  }

  addTable(name: string, keyType: number, fields: readonly OwnedFieldSpec[]): number {
    this.requireInit(`export table '${name}'`);
    const table = new MemoryTable(new TableDefinition(name, keyType, fields), 'plugin');
    this.host.register(table);
    return this.tableRefs.push({ table, owned: true }) - 1;
  }

  addField(table: number, name: string, type: number): number {
    const ref = this.tableRef(table);
    const what = `add field '${name}' to table '${ref.table.name}'`;
    if (!ref.owned) this.requireInit(what);
    return this.fieldRefs.push(this.hostCall(what, () => ref.table.addField(name, type))) - 1;
  }

  getField(table: number, name: string, type: number): number {
    const ref = this.tableRef(table);
    const what = `get field '${name}' of table '${ref.table.name}'`;
    if (!ref.owned) this.requireInit(what);
    return this.fieldRefs.push(this.hostCall(what, () => ref.table.getField(name, type))) - 1;
  }

  listFields(table: number): ListedField[] {
    return this.readable(table).listFields();
  }

  tableName(table: number): string {
    return this.readable(table).name;
  }

  tableSize(table: number): number {
    return this.readable(table).entries.size;
  }

  getEntry(table: number, key: BackendValue): number {
    const memory = this.readable(table);
    const entry = memory.entries.get(key);
    return entry === undefined ? -1 : this.hold(memory, entry, 'obtained');
  }

  readField(table: number, entry: number, field: number): BackendValue {
    const memory = this.readable(table);
    const value = memory.read(this.entryRef(memory, entry).entry, this.field(memory, field));
    if (!(value instanceof MemoryTable)) return value;
    return (
      this.tableRefs.push({ table: value, owned: this.tableRefs[table].owned, generation: this.generation }) -
      1
    );
  }

  releaseEntry(table: number, entry: number): void {
    const ref = this.entryRef(this.readable(table), entry);
    if (ref.kind === 'obtained') ref.kind = 'done';
  }

  iterateEntries(table: number, visit: (entry: number) => boolean | void): boolean {
    const memory = this.readable(table);
    for (const entry of [...memory.entries.values()]) {
      const handle = this.hold(memory, entry, 'lent');
      const more = visit(handle);
      this.entryRefs[handle % ENTRY_SLOTS].kind = 'done';
      if (more === false) return false;
    }
    return true;
  }

  writeField(table: number, entry: number, field: number, value: BackendValue): void {
    const memory = this.writable(table);
    const ref = this.tableRef(table);
    const target = this.entryRef(memory, entry).entry;
    const accessor = this.field(memory, field);
    const what = `write field '${accessor.name}' of table '${memory.name}'`;
    this.hostCall(what, () => memory.write(target, accessor, value, ref.owned));
  }

  createEntry(table: number): number {
    const memory = this.writable(table);
    return this.hold(memory, memory.newEntry(), 'created');
  }

  addEntry(table: number, key: BackendValue, entry: number): number {
    const memory = this.writable(table);
    const ref = this.entryRef(memory, entry);
    if (ref.kind !== 'created') {
      throw new Error(`cannot add an entry to table '${memory.name}': it was not created by createEntry`);
    }
    ref.kind = 'done';
    return this.hold(memory, memory.add(key, ref.entry), 'obtained');
  }

  destroyEntry(table: number, entry: number): void {
    const ref = this.entryRef(this.writable(table), entry);
    if (ref.kind === 'created') ref.kind = 'done';
  }

  eraseEntry(table: number, key: BackendValue): void {
    const memory = this.writable(table);
    const what = `erase an entry of table '${memory.name}'`;
    this.hostCall(what, () => memory.erase(key));
  }

  clearTable(table: number): void {
    this.writable(table).entries.clear();
  }

  /**
   * An operation on a table, its failure worded as the native layer words it: `cannot <what>: <reason>`. The
   * reason of a table another plugin owns is that plugin's (libsinsp gives the caller the owner's last error).
   */
  private hostCall<T>(what: string, operation: () => T): T {
    try {
      return operation();
    } catch (err) {
      throw new Error(`cannot ${what}: ${(err as Error).message}`);
    }
  }

  private hold(table: MemoryTable, entry: MemoryEntry, kind: EntryRef['kind']): number {
    const index = this.entryRefs.push({ table, entry, kind }) - 1;
    return (this.generation % 2048) * ENTRY_SLOTS + index;
  }

  private entryRef(table: MemoryTable, handle: number): EntryRef {
    const index = handle % ENTRY_SLOTS;
    const ref = this.entryRefs[index];
    if (
      Math.floor(handle / ENTRY_SLOTS) !== this.generation % 2048 ||
      ref === undefined ||
      ref.kind === 'done'
    ) {
      throw new Error('table entry used after the call that obtained it returned');
    }
    if (ref.table !== table)
      throw new Error(`an entry of table '${ref.table.name}' was used with table '${table.name}'`);
    return ref;
  }

  private field(table: MemoryTable, handle: number): MemoryField {
    const field = this.fieldRefs[handle];
    if (field === undefined || !table.definition.fields.includes(field)) {
      throw new Error(`unknown field handle ${handle} for table '${table.name}'`);
    }
    return field;
  }

  private tableRef(handle: number): TableRef {
    const ref = this.tableRefs[handle];
    if (ref === undefined) throw new Error(`unknown table handle ${handle}`);
    if (ref.generation !== undefined && ref.generation !== this.generation) {
      throw new Error(`sub-table of '${ref.table.name}' used after the call that read it returned`);
    }
    return ref;
  }

  private readable(handle: number): MemoryTable {
    const ref = this.tableRef(handle);
    if (!ref.owned && !(this.call && ACCESS[this.call].read)) this.refuse('read', ref.table.name);
    return ref.table;
  }

  private writable(handle: number): MemoryTable {
    const ref = this.tableRef(handle);
    if (!ref.owned && !(this.call && ACCESS[this.call].write)) this.refuse('write', ref.table.name);
    return ref.table;
  }

  private refuse(action: 'read' | 'write', name: string): never {
    const calls = (Object.keys(ACCESS) as TableCall[]).filter((c) => ACCESS[c][action]);
    const list = `${calls.slice(0, -1).join(', ')} and ${calls[calls.length - 1]}`;
    const when = this.call ? `during ${this.call}` : 'outside a host call';
    throw new Error(
      `cannot ${action} table '${name}' ${when}: tables are ${action === 'read' ? 'read' : 'written'} during ${list}`,
    );
  }

  private requireInit(what: string): void {
    if (this.call !== 'init')
      throw new Error(
        `cannot ${what} ${this.call ? `during ${this.call}` : 'outside init'}: only during init`,
      );
  }
}

function seedThread(threads: MemoryTable, seed: ThreadSeed): void {
  const entry = threads.newEntry();
  const set = (name: string, type: number, value: BackendValue | undefined) => {
    if (value !== undefined) threads.write(entry, threads.getField(name, type), value, true);
  };
  const tid = BigInt(seed.tid);
  set('tid', StateType.int64, tid);
  set('pid', StateType.int64, seed.pid === undefined ? tid : BigInt(seed.pid));
  set('ptid', StateType.int64, seed.ptid === undefined ? undefined : BigInt(seed.ptid));
  set('comm', StateType.string, seed.comm);
  set('exe', StateType.string, seed.exe);
  set('exe_path', StateType.string, seed.exe_path);
  set('uid', StateType.uint32, seed.uid);
  set('gid', StateType.uint32, seed.gid);
  const fds = threads.read(entry, threads.getField('file_descriptors', StateType.table)) as MemoryTable;
  for (const fd of seed.fds ?? []) {
    const fdEntry = fds.newEntry();
    if (fd.name !== undefined) fds.write(fdEntry, fds.getField('name', StateType.string), fd.name, true);
    if (fd.type !== undefined) fds.write(fdEntry, fds.getField('type', StateType.uint8), fd.type, true);
    fds.add(BigInt(fd.fd), fdEntry);
  }
  threads.add(tid, entry);
}

function dumpTable(table: MemoryTable): TableDump {
  const keys = [...table.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    size: table.entries.size,
    entries: keys.map((key) => {
      const entry = table.entries.get(key) as MemoryEntry;
      const fields: Record<string, BackendValue | TableDump> = {};
      for (const field of table.definition.fields) {
        const value = table.read(entry, field);
        fields[field.name] = value instanceof MemoryTable ? dumpTable(value) : value;
      }
      return { key, fields };
    }),
  };
}
