import type { ExtractRequest } from '../extract-request';
import type { FieldDefinition } from './field-definition';

/** RFC 6901 JSON pointers (`/user/name`, `/items/0`, `~1` for `/`, `~0` for `~`). */

/**
 * Splits a JSON pointer into its reference tokens.
 *
 * @throws Error for text that is not a JSON pointer.
 */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new Error(`"${pointer}" is not a JSON pointer: it must start with "/", e.g. /user/name`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token))
        throw new Error(`"${pointer}" is not a JSON pointer: "~" must be followed by 0 or 1`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** The value a pointer designates in a parsed JSON document, or `undefined` when there is none. */
export function resolveJsonPointer(document: unknown, tokens: readonly string[]): unknown {
  let value: unknown = document;
  for (const token of tokens) {
    if (Array.isArray(value)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      value = value[Number(token)];
    } else if (
      typeof value === 'object' &&
      value !== null &&
      Object.prototype.hasOwnProperty.call(value, token)
    ) {
      value = (value as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return value;
}

/** A pointer's value as a field value: strings as they are, other JSON values as JSON text. */
function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What `jsonValueField` declares of its field. */
export interface JsonValueFieldSpec {
  /** Dotted name, e.g. `json.value`; the rules write `json.value[/user/name]`. */
  readonly name: string;
  /** What the field means (required, non-empty), as `FieldSpec.desc`. */
  readonly desc: string;
  /** A short name for tables and UIs, as `FieldSpec.display`. */
  readonly display?: string;
  /** Suggest the field for Falco's output (plugin API 3.8), as `FieldSpec.addOutput`. */
  readonly addOutput?: boolean;
}

/**
 * A field whose key argument is a JSON pointer (RFC 6901) into a JSON document of the event, as the
 * official json plugin's `json.value[/user/name]`: the value there, strings as they are and other values
 * as JSON; no value when the document has nothing there. The pointer is checked and parsed once per
 * distinct argument: a mistyped one (`json.value[user]`) fails one extraction with the reason, then the
 * field has no value with it.
 *
 * @param document - the event's parsed JSON, typically `(req) => req.context.json` with an `eventContext`
 * that parses each event once.
 *
 * @example
 * fields() {
 *   return [jsonValueField<Parsed>({ name: 'myplugin.value', desc: 'A value of the body' }, (req) => req.context.json)];
 * }
 */
export function jsonValueField<Ctx>(
  spec: JsonValueFieldSpec,
  document: (request: ExtractRequest<Ctx>) => unknown,
): FieldDefinition<Ctx> {
  const parsed = new Map<string, string[]>();
  const tokensOf = (pointer: string): string[] => {
    let tokens = parsed.get(pointer);
    if (tokens === undefined) parsed.set(pointer, (tokens = parseJsonPointer(pointer)));
    return tokens;
  };
  return {
    ...spec,
    type: 'string',
    arg: { isKey: true, isRequired: true },
    checkArg: (arg) => void tokensOf(String(arg)),
    extract: (request) => asText(resolveJsonPointer(document(request), tokensOf(request.argKey ?? ''))),
  };
}
