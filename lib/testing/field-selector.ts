import type { FieldSpec } from '../sdk/fields/field-definition';

/** A field as a user writes it in a rule or output (`name` or `name[arg]`), resolved against the declarations. */
export interface FieldSelector {
  /** The text as written. */
  readonly text: string;
  /** The field's index in the declared fields: its id in `extract_fields`. */
  readonly fieldId: number;
  /** The field's declaration. */
  readonly field: FieldSpec;
  /** Whether an argument was written (`name[arg]`). */
  readonly argPresent: boolean;
  /** The index argument as a number (rounded above 2^53). */
  readonly argIndex: number;
  /** The index argument, exact. */
  readonly argIndexExact: bigint;
  /** The key argument, for a field whose argument is a key; `undefined` otherwise. */
  readonly argKey: string | undefined;
}

/**
 * Parses `name` or `name[arg]` the way libsinsp does: the field must be declared, a required argument must
 * be given, an index argument must be digits without a leading zero, and a field without an argument
 * declaration takes none.
 *
 * @throws Error with libsinsp-like wording for each violation.
 */
export function parseFieldSelector(text: string, fields: readonly FieldSpec[]): FieldSelector {
  const match = /^([^[\]]+)(?:\[(.*)\])?$/s.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a field name like name or name[arg]`);
  const [, name, arg] = match;
  const fieldId = fields.findIndex((f) => f.name === name);
  if (fieldId < 0) {
    throw new Error(`unknown field "${name}"; the plugin declares: ${fields.map((f) => f.name).join(', ')}`);
  }
  const field = fields[fieldId];
  const present = arg !== undefined;
  if (!present) {
    if (field.arg?.isRequired)
      throw new Error(`field ${name} requires an argument, e.g. ${name}[${field.arg.isIndex ? '1' : 'key'}]`);
    return { text, fieldId, field, argPresent: false, argIndex: 0, argIndexExact: 0n, argKey: undefined };
  }
  if (!field.arg?.isIndex && !field.arg?.isKey) throw new Error(`field ${name} does not take an argument`);
  if (field.arg.isIndex) {
    if (!/^(0|[1-9]\d*)$/.test(arg)) {
      throw new Error(`field ${name} has an invalid index argument "${arg}": digits only, no leading zero`);
    }
    const exact = BigInt(arg);
    if (exact > 0xffff_ffff_ffff_ffffn) {
      throw new Error(`field ${name} has an index argument "${arg}" above the uint64 range`);
    }
    return {
      text,
      fieldId,
      field,
      argPresent: true,
      argIndex: Number(exact),
      argIndexExact: exact,
      argKey: undefined,
    };
  }
  if (arg === '') throw new Error(`field ${name} has an empty key argument`);
  return { text, fieldId, field, argPresent: true, argIndex: 0, argIndexExact: 0n, argKey: arg };
}
