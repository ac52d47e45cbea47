import type { ExtractRequest } from '../extract-request';
import {
  FIELD_PROPERTIES,
  FIELD_TYPES,
  type FieldProperty,
  type FieldType,
  type FieldValue,
} from './field-types';

/** How a field takes an argument, e.g. `dummy.divisible[3]` (index) or `json.value[/a/b]` (key). */
export interface FieldArgument {
  /** The argument must be given. */
  readonly isRequired?: boolean;
  /** The argument is a non-negative integer. */
  readonly isIndex?: boolean;
  /** The argument is a string. */
  readonly isKey?: boolean;
}

/** Everything libsinsp reads from a field declaration (`get_fields`). */
export interface FieldSpec<T extends FieldType = FieldType, L extends boolean = boolean> {
  /** Dotted name, e.g. `dummy.value`. */
  readonly name: string;
  /** The value type. */
  readonly type: T;
  /** The field yields a list of values. */
  readonly isList?: L;
  /** The argument the field takes, if any. */
  readonly arg?: FieldArgument;
  /** A short name for tables and UIs. */
  readonly display?: string;
  /** What the field means (required, non-empty). */
  readonly desc: string;
  /** Hints for consumers (`hidden`, `info`, `conversation`). */
  readonly properties?: readonly FieldProperty[];
  /** Suggest the field for Falco's output (plugin API 3.8). */
  readonly addOutput?: boolean;
  /**
   * Whether the SDK may compute this field for the plugin's own events right after `next_batch`, ahead of
   * the host's calls, and answer those calls without entering JavaScript (default `true`). The values are
   * the same as one call per field for any extractor that depends only on the event, its context and
   * state that `next_batch` sets. Set `false` for an extractor whose value depends on when it is called
   * (a clock, state that other callbacks change between `next_batch` and the host's extraction, or a count
   * of its own calls).
   */
  readonly prefetch?: boolean;
  /**
   * Checks the field's argument (the key text, or the index as a `bigint`), throwing an Error that says
   * what is wrong with it. The SDK runs it once per distinct argument, when the host first asks for the
   * field with it: a bad argument fails that one extraction with the message, and the field has no value
   * with it afterwards — one error for a mistyped argument in a rule, not one per event. (The SDK's own,
   * not sent to the host.)
   */
  readonly checkArg?: (arg: string | bigint) => void;
}

/**
 * Extracts one field from one event. Returning `undefined` means "no value for this event"; any other value
 * must match the field's type (checked at compile time, and at run time for untyped code).
 */
export type FieldExtractor<T extends FieldType, L extends boolean, Ctx> = (
  request: ExtractRequest<Ctx>,
) => FieldValue<T, L> | undefined;

/** A field declaration, optionally with the function that extracts it. */
export interface FieldDefinition<Ctx = unknown> extends FieldSpec {
  /** Extracts the field; without it the plugin's own `extract` method handles the field. */
  readonly extract?: (request: ExtractRequest<Ctx>) => unknown;
}

/**
 * Declares a field together with its extractor; the extractor's return type is checked against the
 * declared type and list-ness.
 *
 * @example
 * field({ name: 'dummy.value', type: 'uint64', desc: 'The sample value' }, (req) => req.context.value)
 */
export function field<Ctx, const T extends FieldType, const L extends boolean = false>(
  spec: FieldSpec<T, L>,
  extract?: FieldExtractor<T, L, Ctx>,
): FieldDefinition<Ctx> {
  return extract ? { ...spec, extract: extract as FieldDefinition<Ctx>['extract'] } : { ...spec };
}

/**
 * Returns a `field` function bound to a plugin's per-event context type, so extractors get a typed
 * `request.context` without annotations.
 */
export function fieldsWithContext<Ctx>(): <const T extends FieldType, const L extends boolean = false>(
  spec: FieldSpec<T, L>,
  extract?: FieldExtractor<T, L, Ctx>,
) => FieldDefinition<Ctx> {
  return (spec, extract) =>
    field<Ctx, (typeof spec)['type'], NonNullable<(typeof spec)['isList']>>(spec, extract as never);
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/;

/**
 * Validates field declarations as libsinsp will and throws one error listing every problem, so a plugin
 * never reaches the host with fields it would reject.
 */
export function validateFields(fields: readonly FieldSpec[]): void {
  const problems: string[] = [];
  if (fields.length === 0) {
    problems.push('a plugin with field extraction must declare at least one field');
  }
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const where = typeof f.name === 'string' && f.name !== '' ? `field "${f.name}"` : `field #${i}`;
    if (typeof f.name !== 'string' || !FIELD_NAME.test(f.name)) {
      problems.push(`${where}: name must be dotted words like "plugin.field" (letters, digits, _)`);
    } else if (seen.has(f.name)) {
      problems.push(`${where}: declared more than once`);
    } else {
      seen.add(f.name);
    }
    if (!(FIELD_TYPES as readonly string[]).includes(f.type)) {
      problems.push(`${where}: type "${String(f.type)}" is not one of ${FIELD_TYPES.join(', ')}`);
    }
    if (typeof f.desc !== 'string' || f.desc.trim() === '') {
      problems.push(`${where}: desc must be a non-empty string`);
    }
    if (f.display !== undefined && typeof f.display !== 'string') {
      problems.push(`${where}: display must be a string`);
    }
    if (f.arg) {
      if (f.arg.isIndex && f.arg.isKey) {
        problems.push(`${where}: arg cannot be both isIndex and isKey`);
      }
      if (f.arg.isRequired && !f.arg.isIndex && !f.arg.isKey) {
        problems.push(`${where}: a required arg must be isIndex or isKey`);
      }
    }
    for (const property of f.properties ?? []) {
      if (!(FIELD_PROPERTIES as readonly string[]).includes(property)) {
        problems.push(
          `${where}: property "${String(property)}" is not one of ${FIELD_PROPERTIES.join(', ')}`,
        );
      }
    }
    if (f.prefetch !== undefined && typeof f.prefetch !== 'boolean') {
      problems.push(`${where}: prefetch must be a boolean`);
    }
    if ('extract' in f && f.extract !== undefined && typeof f.extract !== 'function') {
      problems.push(`${where}: extract must be a function`);
    }
  });
  if (problems.length > 0) {
    throw new Error(`invalid field declarations:\n- ${problems.join('\n- ')}`);
  }
}

/** Serializes field declarations into the JSON array `get_fields` returns. */
export function fieldsToJson(fields: readonly FieldSpec[]): string {
  return JSON.stringify(
    fields.map((f) => {
      const out: Record<string, unknown> = { name: f.name, type: f.type };
      if (f.isList) out.isList = true;
      if (f.arg && (f.arg.isRequired || f.arg.isIndex || f.arg.isKey)) {
        out.arg = {
          isRequired: Boolean(f.arg.isRequired),
          isIndex: Boolean(f.arg.isIndex),
          isKey: Boolean(f.arg.isKey),
        };
      }
      if (f.display !== undefined) out.display = f.display;
      out.desc = f.desc;
      if (f.properties && f.properties.length > 0) out.properties = [...f.properties];
      if (f.addOutput) out.addOutput = true;
      return out;
    }),
  );
}
