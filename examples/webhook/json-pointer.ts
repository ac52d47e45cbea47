/** RFC 6901 JSON pointers (`/user/name`, `/items/0`, `~1` for `/`, `~0` for `~`). */

/**
 * Splits a JSON pointer into its reference tokens.
 *
 * @throws Error for text that is not a JSON pointer.
 */
export function parsePointer(pointer: string): string[] {
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
export function resolvePointer(document: unknown, tokens: readonly string[]): unknown {
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
