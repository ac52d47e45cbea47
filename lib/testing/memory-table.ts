import { StateType, typeName } from '../capabilities/tables/schema';
import type { BackendValue, ListedField, OwnedFieldSpec } from '../capabilities/tables/backend';

/** A field of an in-memory table: static (declared with the table) or dynamic (added later). */
export interface MemoryField {
  readonly name: string;
  readonly type: number;
  readonly readOnly: boolean;
  /** For a table-typed field: the definition every entry's sub-table shares. */
  readonly subtable?: TableDefinition;
}

/** The key type and fields of a table, shared by all sub-tables of one field. */
export class TableDefinition {
  readonly fields: MemoryField[] = [];

  constructor(
    readonly name: string,
    readonly keyType: number,
    specs: readonly OwnedFieldSpec[] = [],
  ) {
    for (const spec of specs) {
      this.fields.push({
        name: spec.name,
        type: spec.type,
        readOnly: spec.readOnly,
        subtable: spec.subtable
          ? new TableDefinition(`${name}.${spec.name}`, spec.subtable.keyType, spec.subtable.fields)
          : undefined,
      });
    }
  }

  field(name: string): MemoryField | undefined {
    return this.fields.find((f) => f.name === name);
  }
}

/** One entry: a value per field (absent: the type's default) and its sub-tables. */
export class MemoryEntry {
  readonly values = new Map<MemoryField, BackendValue>();
  readonly subtables = new Map<MemoryField, MemoryTable>();
}

/**
 * An in-memory state table with libsinsp's semantics: typed static and dynamic fields, read-only fields,
 * entries that stay valid after an erase until released, one sub-table per entry for table-typed fields.
 * The harness's `threads` table and the plugins' exported tables are made of it.
 */
export class MemoryTable {
  readonly entries = new Map<BackendValue, MemoryEntry>();

  constructor(
    readonly definition: TableDefinition,
    /** Who owns it: the host (libsinsp's tables) or a plugin (an exported table). */
    readonly owner: 'host' | 'plugin',
  ) {}

  get name(): string {
    return this.definition.name;
  }

  listFields(): ListedField[] {
    return this.definition.fields.map((f) => ({ name: f.name, type: f.type, readOnly: f.readOnly }));
  }

  /** @throws Error with the reason (the host's wording). */
  getField(name: string, type: number): MemoryField {
    const field = this.definition.field(name);
    if (field === undefined) throw new Error(`table '${this.name}' has no field '${name}'`);
    if (field.type !== type) {
      throw new Error(
        `field '${name}' of table '${this.name}' has type ${typeName(field.type)}, not ${typeName(type)}`,
      );
    }
    return field;
  }

  addField(name: string, type: number): MemoryField {
    if (type === StateType.table) throw new Error('a field added by a plugin cannot be a table');
    const existing = this.definition.field(name);
    if (existing !== undefined) {
      if (existing.type !== type) throw new Error(`it exists with type ${typeName(existing.type)}`);
      return existing;
    }
    const field: MemoryField = { name, type, readOnly: false };
    this.definition.fields.push(field);
    return field;
  }

  newEntry(): MemoryEntry {
    return new MemoryEntry();
  }

  read(entry: MemoryEntry, field: MemoryField): BackendValue | MemoryTable {
    if (field.subtable !== undefined) {
      let table = entry.subtables.get(field);
      if (table === undefined) {
        table = new MemoryTable(field.subtable, this.owner);
        entry.subtables.set(field, table);
      }
      return table;
    }
    return entry.values.get(field) ?? defaultValue(field.type);
  }

  /** @throws Error with the reason. */
  write(entry: MemoryEntry, field: MemoryField, value: BackendValue, owner: boolean): void {
    if (field.type === StateType.table) throw new Error('it is a table');
    if (field.readOnly && !owner) throw new Error('the field is read-only');
    entry.values.set(field, value);
  }

  add(key: BackendValue, entry: MemoryEntry): MemoryEntry {
    this.entries.set(key, entry);
    return entry;
  }

  /** @throws Error with the reason. */
  erase(key: BackendValue): void {
    if (!this.entries.delete(key)) throw new Error(`no entry has key ${String(key)}`);
  }
}

function defaultValue(type: number): BackendValue {
  switch (type) {
    case StateType.int64:
    case StateType.uint64:
      return 0n;
    case StateType.string:
      return '';
    case StateType.bool:
      return false;
    default:
      return 0;
  }
}
