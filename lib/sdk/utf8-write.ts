/**
 * UTF-8 writes into shared memory without a result object or a view per call, for the per-event paths
 * (the batch writer and the extraction results).
 */

/** Text up to this length is copied in a JavaScript loop when it is ASCII (faster than a native call). */
export const SHORT_TEXT = 16;

/** UTF-8 into a Buffer at an offset, returning the bytes written. */
type Utf8Write = (target: Buffer, text: string, offset: number, length: number) => number;
const nodeUtf8Write = (Buffer.prototype as unknown as { utf8Write?: unknown }).utf8Write;

/** Writes `text` as UTF-8 into `target` from `offset`, at most `length` bytes; returns the bytes written. */
export const utf8Write: Utf8Write =
  typeof nodeUtf8Write === 'function'
    ? (target, text, offset, length) =>
        (nodeUtf8Write as (this: Buffer, t: string, o: number, l: number) => number).call(
          target,
          text,
          offset,
          length,
        )
    : (target, text, offset, length) => target.write(text, offset, length, 'utf8');

/**
 * Copies `text` into `bytes` from `at` when it is ASCII and at most `SHORT_TEXT` long; returns its length,
 * or -1 (nothing meaningful written) when it is longer or has a non-ASCII unit.
 */
export function writeShortAscii(bytes: Uint8Array, text: string, at: number): number {
  const length = text.length;
  if (length > SHORT_TEXT) return -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return -1;
    bytes[at + i] = c;
  }
  return length;
}
