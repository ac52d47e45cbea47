import { ContractTypeError, ContractRangeError } from '../../sdk/errors';
/**
 * The types of state tables: the host's type codes, how a plugin declares a table's key and fields, and the
 * TypeScript value each type reads and writes.
 */

/** The host's state type codes (`ss_plugin_state_type`). */
export const StateType = {
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  uint8: 5,
  uint16: 6,
  uint32: 7,
  uint64: 8,
  string: 9,
  table: 10,
  bool: 25,
} as const;

/** A type a key or a field value can have. 64-bit integers are `bigint`, smaller ones `number`. */
export type ScalarType = Exclude<keyof typeof StateType, 'table'>;

/** A field whose value is a table of its own per entry (API 3.5), e.g. a thread's `file_descriptors`. */
export interface SubtableType<S extends TableSchema = TableSchema> {
  /** Tells a sub-table declaration from a scalar type or a read-only field. */
  readonly kind: 'subtable';
  /** The key type and the fields of each entry's sub-table. */
  readonly schema: S;
}

/** A field declared read-only: other plugins and libsinsp may read it, only the owner writes it. */
export interface ReadOnlyField<T extends ScalarType | SubtableType = ScalarType | SubtableType> {
  /** Tells a read-only field from a scalar type or a sub-table declaration. */
  readonly kind: 'readonly';
  /** The field's type: a scalar type or a sub-table. */
  readonly type: T;
}

/** What a field is declared as: its type, optionally marked read-only (for exported tables). */
export type FieldDeclaration = ScalarType | SubtableType | ReadOnlyField;

/** A table's key type and its fields by name. */
export interface TableSchema {
  /** The type of the table's keys (`int64` for libsinsp's `threads`). */
  readonly key: ScalarType;
  /** The fields of each entry, by name. */
  readonly fields: Readonly<Record<string, FieldDeclaration>>;
}

/**
 * The TypeScript value of a table's scalar type: `bigint` for `int64` and `uint64`, `string`, `boolean` for
 * `bool`, `number` for the smaller integers. Exported from the package as `TableScalarValue`.
 */
export type ScalarValue<T extends ScalarType> = T extends 'int64' | 'uint64'
  ? bigint
  : T extends 'string'
    ? string
    : T extends 'bool'
      ? boolean
      : number;

/** The TypeScript type of a table's keys. */
export type KeyOf<S extends TableSchema> = ScalarValue<S['key']>;

/** The type a declaration stands for, read-only or not. */
export type DeclaredType<D extends FieldDeclaration> = D extends ReadOnlyField<infer T> ? T : D;

/** The scalar fields of a schema (those an entry reads and writes as values). */
export type ScalarFieldName<S extends TableSchema> = {
  [K in keyof S['fields']]: DeclaredType<S['fields'][K]> extends ScalarType ? K : never;
}[keyof S['fields']] &
  string;

/** The sub-table fields of a schema. */
export type SubtableFieldName<S extends TableSchema> = {
  [K in keyof S['fields']]: DeclaredType<S['fields'][K]> extends SubtableType ? K : never;
}[keyof S['fields']] &
  string;

/** The value of scalar field `K` of schema `S`. */
export type FieldValueOf<S extends TableSchema, K extends ScalarFieldName<S>> =
  DeclaredType<S['fields'][K]> extends infer T extends ScalarType ? ScalarValue<T> : never;

/** The schema of sub-table field `K` of schema `S`. */
export type SubtableSchemaOf<S extends TableSchema, K extends SubtableFieldName<S>> =
  DeclaredType<S['fields'][K]> extends SubtableType<infer T> ? T : never;

/** Values for some scalar fields of an entry, e.g. when adding one. */
export type EntryValues<S extends TableSchema> = { [K in ScalarFieldName<S>]?: FieldValueOf<S, K> };

/**
 * Declares a table schema, keeping its literal types (so entries are typed by it).
 *
 * @example
 * const Threads = tableSchema({ key: 'int64', fields: { comm: 'string', pid: 'int64' } });
 */
export function tableSchema<const S extends TableSchema>(schema: S): S {
  return schema;
}

/**
 * Declares a sub-table field: each entry of the table holds a table of this schema.
 *
 * @example
 * const Threads = tableSchema({
 *   key: 'int64',
 *   fields: { file_descriptors: subtable({ key: 'int64', fields: { name: 'string' } }) },
 * });
 */
export function subtable<const S extends TableSchema>(schema: S): SubtableType<S> {
  return { kind: 'subtable', schema };
}

/**
 * Marks a field of an exported table read-only: libsinsp and other plugins may read it, writing it fails for
 * them; the owning plugin still writes it.
 */
export function readOnly<const T extends ScalarType | SubtableType>(type: T): ReadOnlyField<T> {
  return { kind: 'readonly', type };
}

/** The type and read-only flag of a declaration. */
export function declared(declaration: FieldDeclaration): {
  type: ScalarType | SubtableType;
  readOnly: boolean;
} {
  if (typeof declaration === 'object' && declaration.kind === 'readonly') {
    return { type: declaration.type, readOnly: true };
  }
  return { type: declaration, readOnly: false };
}

/** The host's type code of a declared type. */
export function typeCode(type: ScalarType | SubtableType): number {
  return typeof type === 'string' ? StateType[type] : StateType.table;
}

/** The name of a host type code (for messages). */
export function typeName(code: number): string {
  const entry = Object.entries(StateType).find(([, value]) => value === code);
  return entry ? entry[0] : `type ${code}`;
}

const INTEGER_RANGES: Partial<Record<ScalarType, readonly [bigint, bigint]>> = {
  int8: [-(1n << 7n), (1n << 7n) - 1n],
  int16: [-(1n << 15n), (1n << 15n) - 1n],
  int32: [-(1n << 31n), (1n << 31n) - 1n],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  uint8: [0n, (1n << 8n) - 1n],
  uint16: [0n, (1n << 16n) - 1n],
  uint32: [0n, (1n << 32n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
};

/** A scalar value in the form the backend takes, or throws a TypeError/RangeError naming `what`. */
export function checkedScalar(
  type: ScalarType,
  value: unknown,
  what: string,
): number | bigint | string | boolean {
  if (type === 'string') {
    if (typeof value !== 'string')
      throw new ContractTypeError(`${what} must be a string, not ${describe(value)}`);
    if (value.includes('\0')) throw new ContractRangeError(`${what} must not contain NUL characters`);
    return value;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean')
      throw new ContractTypeError(`${what} must be a boolean, not ${describe(value)}`);
    return value;
  }
  const range = INTEGER_RANGES[type];
  if (range === undefined) throw new ContractTypeError(`${what}: unsupported type ${type}`);
  let integer: bigint;
  if (typeof value === 'bigint') integer = value;
  else if (typeof value === 'number' && Number.isInteger(value)) integer = BigInt(value);
  else throw new ContractTypeError(`${what} must be an integer (${type}), not ${describe(value)}`);
  if (integer < range[0] || integer > range[1]) {
    throw new ContractRangeError(`${what} is out of range for ${type}: ${integer}`);
  }
  return type === 'int64' || type === 'uint64' ? integer : Number(integer);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value;
}
