import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** A JSON Schema document as produced for the host (`get_init_schema`). */
export type JsonSchema = Record<string, unknown>;

/** Options for turning a zod schema into the JSON Schema handed to the host. */
export interface JsonSchemaOptions {
  /**
   * Reject keys the schema does not declare. Off by default: the official plugins allow additional
   * properties because a strict schema broke users on upgrade (falcosecurity/falco#3512).
   */
  readonly strict?: boolean;
}

/**
 * Generates the JSON Schema (draft-07, the dialect libsinsp validates) of a zod schema. Objects allow
 * additional properties (zod's default "strip" objects) unless the author made them `.strict()`; the
 * `strict` option makes the top-level object reject undeclared keys.
 */
export function toJsonSchema(schema: z.ZodTypeAny, options: JsonSchemaOptions = {}): JsonSchema {
  const generated = (zodToJsonSchema as (schema: unknown, options: object) => unknown)(schema, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    // zod's default objects strip unknown keys, i.e. accept them: "strict" stripping maps them to
    // `additionalProperties: true`, while `.strict()` objects keep `false`.
    removeAdditionalStrategy: 'strict',
  }) as JsonSchema;
  if (options.strict && generated.type === 'object') {
    generated.additionalProperties = false;
  }
  return generated;
}

/** The zod schema that parses the input: with `strict`, a top-level object rejects undeclared keys. */
export function parsingSchema<S extends z.ZodTypeAny>(
  schema: S,
  options: JsonSchemaOptions = {},
): z.ZodTypeAny {
  return options.strict && schema instanceof z.ZodObject ? schema.strict() : schema;
}

/** Renders zod issues as `key.path: problem; other: problem`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Parses a JSON text the host passes (init config, open params) and validates it with zod.
 * An empty or blank text means `{}`, so every key takes its default.
 *
 * @param what - how the input is named in error messages, e.g. `init config`.
 * @throws Error whose message names the input, the key and the problem.
 */
export function parseJsonInput<S extends z.ZodTypeAny>(what: string, text: string, schema: S): z.output<S> {
  let raw: unknown;
  if (text.trim() === '') {
    raw = {};
  } else {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new Error(`invalid ${what}: not valid JSON (${(err as Error).message}): ${abbreviate(text)}`);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`invalid ${what}: ${describeZodError(parsed.error)}`);
  }
  return parsed.data as z.output<S>;
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
