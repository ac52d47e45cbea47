/**
 * What the typed tables (`table.ts`) run on: the host's table API as one plugin state sees it. The native
 * plugin layer implements it over the vtables libsinsp hands to each call (`native/plugin/src/tables`), the
 * in-process harness over its own tables (`lib/testing/tables-driver.ts`). Handles are small integers; every
 * function throws an Error with the host's message when the host refuses.
 */

/** A key or a field value as the backend takes and gives it (64-bit integers as bigint). */
export type BackendValue = number | bigint | string | boolean;

/** A field of a table the plugin exports. */
export interface OwnedFieldSpec {
  readonly name: string;
  readonly type: number;
  readonly readOnly: boolean;
  readonly subtable?: { readonly keyType: number; readonly fields: readonly OwnedFieldSpec[] };
}

/** A field as the host lists it. */
export interface ListedField {
  readonly name: string;
  readonly type: number;
  readonly readOnly: boolean;
}

/** The host's table API for one plugin state (the contract of the native binding's `tables` object). */
export interface TablesBackend {
  /** During init: the tables the host and the plugins loaded before this one offer. */
  listTables(): { name: string; keyType: number }[];
  /** During init: a table by name and key type. */
  getTable(name: string, keyType: number): number;
  /** During init: exports a table owned by this plugin. */
  addTable(name: string, keyType: number, fields: readonly OwnedFieldSpec[]): number;
  /** During init: adds a field of this plugin's to a table. */
  addField(table: number, name: string, type: number): number;
  /** A field's accessor (during init for tables of others). */
  getField(table: number, name: string, type: number): number;
  listFields(table: number): ListedField[];
  tableName(table: number): string;
  tableSize(table: number): number;
  /** The entry with `key`, or -1 when none has it. */
  getEntry(table: number, key: BackendValue): number;
  /** A field's value; a sub-table field gives a table handle. */
  readField(table: number, entry: number, field: number): BackendValue;
  releaseEntry(table: number, entry: number): void;
  /** Visits each entry until `visit` returns false; false when it stopped early. */
  iterateEntries(table: number, visit: (entry: number) => boolean | void): boolean;
  writeField(table: number, entry: number, field: number, value: BackendValue): void;
  createEntry(table: number): number;
  /** Adds a created entry under `key`; returns the entry to use from then on. */
  addEntry(table: number, key: BackendValue, entry: number): number;
  destroyEntry(table: number, entry: number): void;
  eraseEntry(table: number, key: BackendValue): void;
  clearTable(table: number): void;
}
