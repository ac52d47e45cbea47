import type { BackendValue, TablesBackend } from './backend';
import {
  checkedScalar,
  type EntryValues,
  type FieldValueOf,
  type KeyOf,
  type ScalarFieldName,
  type ScalarType,
  type SubtableFieldName,
  type SubtableSchemaOf,
  type TableSchema,
} from './schema';
import { ContractTypeError } from '../../sdk/errors';

/** A field accessor resolved at init: its handle, and for a sub-table field the sub-table's own fields. */
export interface ResolvedField {
  readonly handle: number;
  readonly type: ScalarType | 'subtable';
  readonly subtable?: ResolvedFields;
}

/** The accessors of a table's declared fields, by name. */
export interface ResolvedFields {
  readonly key: ScalarType;
  readonly fields: ReadonlyMap<string, ResolvedField>;
}

/**
 * A state table, typed by its schema: one of libsinsp's (`threads`), another plugin's, or the plugin's own.
 * Tables of others are read during `init`, `parseEvent`, `extractFields`, `captureOpen` and `captureClose`,
 * and written during all of them but `extractFields`; the plugin's own tables at any time.
 *
 * Entries read or added during a host call belong to that call: the SDK releases them when it returns, so a
 * plugin never leaks one. Keep keys, not entries, across calls.
 */
export class Table<S extends TableSchema> {
  /** @internal */
  constructor(
    private readonly backend: TablesBackend,
    /** @internal The backend's handle of the table. */
    readonly handle: number,
    /** The table's name (a sub-table's is `<table>.<field>`). */
    readonly name: string,
    /** @internal */
    readonly resolved: ResolvedFields,
  ) {}

  /** How many entries the table has. */
  get size(): number {
    return this.backend.tableSize(this.handle);
  }

  /** The entry with `key`, or `undefined` when there is none. */
  get(key: KeyOf<S>): Entry<S> | undefined {
    const entry = this.backend.getEntry(this.handle, this.key(key));
    return entry < 0 ? undefined : new Entry<S>(this, this.backend, entry);
  }

  /** Whether an entry has `key`. */
  has(key: KeyOf<S>): boolean {
    const entry = this.get(key);
    entry?.release();
    return entry !== undefined;
  }

  /**
   * Visits every entry until `visit` returns `false`. The entry handed to `visit` is valid during that visit.
   *
   * @returns false when `visit` stopped the iteration.
   */
  forEach(visit: (entry: Entry<S>) => boolean | void): boolean {
    let failure: { error: unknown } | undefined;
    const completed = this.backend.iterateEntries(this.handle, (handle) => {
      try {
        return visit(new Entry<S>(this, this.backend, handle, false));
      } catch (error) {
        failure = { error };
        return false;
      }
    });
    if (failure !== undefined) throw failure.error;
    return completed;
  }

  /**
   * Adds an entry under `key` with the given field values (the others keep the table's defaults).
   *
   * @returns the added entry, valid until the current host call returns.
   */
  add(key: KeyOf<S>, values: EntryValues<S> = {}): Entry<S> {
    const checkedKey = this.key(key);
    const created = this.backend.createEntry(this.handle);
    try {
      for (const [name, value] of Object.entries(values)) {
        if (value === undefined) continue;
        const field = this.scalarField(name);
        this.backend.writeField(this.handle, created, field.handle, this.value(name, field, value));
      }
    } catch (err) {
      this.backend.destroyEntry(this.handle, created);
      throw err;
    }
    return new Entry<S>(this, this.backend, this.backend.addEntry(this.handle, checkedKey, created));
  }

  /** Removes the entry with `key`. @throws Error when there is none (the host's message). */
  erase(key: KeyOf<S>): void {
    this.backend.eraseEntry(this.handle, this.key(key));
  }

  /** Removes every entry. */
  clear(): void {
    this.backend.clearTable(this.handle);
  }

  /** @internal The accessor of a declared scalar field. */
  scalarField(name: string): ResolvedField & { type: ScalarType } {
    const field = this.resolved.fields.get(name);
    if (field === undefined || field.type === 'subtable') {
      throw new ContractTypeError(
        `table '${this.name}' has no ${field ? 'scalar ' : ''}field '${name}' in the plugin's schema`,
      );
    }
    return field as ResolvedField & { type: ScalarType };
  }

  /** @internal The accessor of a declared sub-table field. */
  subtableField(name: string): ResolvedField & { subtable: ResolvedFields } {
    const field = this.resolved.fields.get(name);
    if (field?.subtable === undefined) {
      throw new ContractTypeError(
        `table '${this.name}' has no sub-table field '${name}' in the plugin's schema`,
      );
    }
    return field as ResolvedField & { subtable: ResolvedFields };
  }

  /** @internal */
  value(name: string, field: ResolvedField & { type: ScalarType }, value: unknown): BackendValue {
    return checkedScalar(field.type, value, `field '${name}' of table '${this.name}'`);
  }

  private key(key: unknown): BackendValue {
    return checkedScalar(this.resolved.key, key, `a key of table '${this.name}'`);
  }
}

/**
 * One entry of a table, typed by the table's schema. Valid until the host call it was obtained in returns, or
 * until `release()`.
 */
export class Entry<S extends TableSchema> {
  private released = false;

  /** @internal */
  constructor(
    /** The table the entry belongs to. */
    readonly table: Table<S>,
    private readonly backend: TablesBackend,
    private readonly handle: number,
    /** Whether the entry was obtained (and is released), rather than lent for the visit of an iteration. */
    private readonly obtained = true,
  ) {}

  /** The value of a scalar field. */
  get<K extends ScalarFieldName<S>>(name: K): FieldValueOf<S, K> {
    const field = this.table.scalarField(name);
    return this.backend.readField(this.table.handle, this.live(), field.handle) as FieldValueOf<S, K>;
  }

  /** Writes a scalar field (tables of others: during `parseEvent`, `captureOpen` or `captureClose`). */
  set<K extends ScalarFieldName<S>>(name: K, value: FieldValueOf<S, K>): void {
    const field = this.table.scalarField(name);
    const checked = this.table.value(name, field, value);
    this.backend.writeField(this.table.handle, this.live(), field.handle, checked);
  }

  /** The sub-table of a sub-table field, valid until the current host call returns. */
  subtable<K extends SubtableFieldName<S>>(name: K): Table<SubtableSchemaOf<S, K>> {
    const field = this.table.subtableField(name);
    const handle = this.backend.readField(this.table.handle, this.live(), field.handle);
    if (typeof handle !== 'number') {
      throw new ContractTypeError(`field '${name}' of table '${this.table.name}' did not give a table`);
    }
    return new Table(this.backend, handle, `${this.table.name}.${name}`, field.subtable);
  }

  /** Hands the entry back to its table before the host call returns (optional). */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.obtained) this.backend.releaseEntry(this.table.handle, this.handle);
  }

  private live(): number {
    if (this.released) throw new Error(`an entry of table '${this.table.name}' was used after release()`);
    return this.handle;
  }
}
