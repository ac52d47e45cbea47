import type { OwnedFieldSpec, TablesBackend } from './backend';
import {
  declared,
  type FieldDeclaration,
  type ScalarType,
  StateType,
  type SubtableType,
  type TableSchema,
  typeCode,
  typeName,
} from './schema';
import { Table, type ResolvedField, type ResolvedFields } from './table';
import { ContractTypeError } from '../../sdk/errors';

/** How a plugin imports a table: the fields it reads or writes, and those it adds of its own. */
export interface ImportDeclaration extends TableSchema {
  /** Fields the plugin adds to the table (dynamic fields, visible to libsinsp and other plugins). */
  readonly add?: Readonly<Record<string, ScalarType>>;
}

/** The schema of an imported table: its declared fields and the added ones. */
export type ImportedSchema<D extends ImportDeclaration> = {
  /** The key type, as declared. */
  readonly key: D['key'];
  /** The declared fields and the added ones, by name. */
  readonly fields: D['fields'] & (D['add'] extends Readonly<Record<string, ScalarType>> ? D['add'] : unknown);
};

/** A table the host lists. */
export interface ListedTable {
  /** The table's name, the one `import` takes (`threads`, …). */
  readonly name: string;
  /** The key type's name (`int64`, `string`, ...). */
  readonly keyType: string;
}

/**
 * The host's tables during `init`: list them, import one by name with typed accessors, or export one of the
 * plugin's own. Only plugins with `EventParsing` or `FieldExtraction` get tables, as in libsinsp; a table
 * exported by another plugin is visible to the plugins loaded after it.
 *
 * @example
 * init(config: Config, { tables }: InitContext) {
 *   this.threads = tables.import('threads', {
 *     key: 'int64',
 *     fields: { comm: 'string' },
 *     add: { seen: 'uint64' },
 *   });
 *   this.counts = tables.export('counts', { key: 'string', fields: { count: 'uint64' } });
 * }
 */
export class InitTables {
  private open = true;

  /** @internal */
  constructor(
    private readonly backend: TablesBackend | undefined,
    private readonly refusal: string,
  ) {}

  /** The tables the host offers (libsinsp's, and those of plugins loaded before this one). */
  list(): ListedTable[] {
    return this.require('list tables')
      .listTables()
      .map((t) => ({ name: t.name, keyType: typeName(t.keyType) }));
  }

  /**
   * Imports a table by name, resolving the accessors of its declared fields and adding the plugin's own.
   *
   * @throws Error when there is no such table, its key type differs, or a field is undefined or of another type.
   */
  import<const D extends ImportDeclaration>(name: string, declaration: D): Table<ImportedSchema<D>> {
    const backend = this.require(`import table '${name}'`);
    const handle = backend.getTable(name, StateType[declaration.key]);
    const resolved = resolveFields(backend, handle, declaration);
    const fields = resolved.fields as Map<string, ResolvedField>;
    for (const [field, type] of Object.entries(declaration.add ?? {})) {
      if (fields.has(field))
        throw new ContractTypeError(`table '${name}': field '${field}' is both declared and added`);
      fields.set(field, { handle: backend.addField(handle, field, StateType[type]), type });
    }
    return new Table(backend, handle, name, resolved);
  }

  /**
   * Exports a table owned by the plugin: libsinsp and the plugins loaded after this one can import it by name.
   * The plugin reads and writes it at any time; fields marked `readOnly` are read-only for the others.
   */
  export<const S extends TableSchema>(name: string, schema: S): Table<S> {
    const backend = this.require(`export table '${name}'`);
    const handle = backend.addTable(name, StateType[schema.key], ownedSpecs(schema));
    return new Table(backend, handle, name, resolveFields(backend, handle, schema));
  }

  /** @internal Called when `init` returns: tables are imported and exported during init only. */
  close(): void {
    this.open = false;
  }

  private require(what: string): TablesBackend {
    if (!this.open)
      throw new Error(`cannot ${what} after init: tables are imported and exported during init`);
    if (this.backend === undefined) throw new Error(`cannot ${what}: ${this.refusal}`);
    return this.backend;
  }
}

/** What `init` receives beside its config. */
export interface InitContext {
  /** The host's state tables (usable during `init` only; the tables it gives stay usable). */
  readonly tables: InitTables;
}

function ownedSpecs(schema: TableSchema): OwnedFieldSpec[] {
  return Object.entries(schema.fields).map(([name, declaration]) => {
    const { type, readOnly } = declared(declaration);
    const spec: OwnedFieldSpec = { name, type: typeCode(type), readOnly };
    if (typeof type === 'string') return spec;
    return {
      ...spec,
      subtable: { keyType: StateType[type.schema.key], fields: ownedSpecs(type.schema) },
    };
  });
}

/**
 * The accessors of a schema's fields on table `handle`. A sub-table's accessors are resolved as libsinsp
 * allows at init: through the sub-table of a temporary entry, destroyed afterwards.
 */
function resolveFields(backend: TablesBackend, handle: number, schema: TableSchema): ResolvedFields {
  const fields = new Map<string, ResolvedField>();
  const subtables: [string, number, SubtableType][] = [];
  for (const [name, declaration] of Object.entries(schema.fields) as [string, FieldDeclaration][]) {
    const { type } = declared(declaration);
    const field = backend.getField(handle, name, typeCode(type));
    if (typeof type === 'string') fields.set(name, { handle: field, type });
    else subtables.push([name, field, type]);
  }
  if (subtables.length > 0) {
    const entry = backend.createEntry(handle);
    try {
      for (const [name, field, type] of subtables) {
        const subtable = backend.readField(handle, entry, field);
        if (typeof subtable !== 'number') throw new ContractTypeError(`field '${name}' did not give a table`);
        fields.set(name, {
          handle: field,
          type: 'subtable',
          subtable: resolveFields(backend, subtable, type.schema),
        });
      }
    } finally {
      backend.destroyEntry(handle, entry);
    }
  }
  return { key: schema.key, fields };
}
