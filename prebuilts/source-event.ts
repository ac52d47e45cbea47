import type { Timestamp } from '../lib/index';

/**
 * One event a prebuilt source produces: its payload and, optionally, its timestamp. Without a timestamp
 * the host stamps the event when it receives it.
 */
export interface SourceEvent {
  /**
   * The payload: bytes, or text written as UTF-8. The instance keeps a reference, not a copy, until it
   * writes the event into a batch, which may be a later `nextBatch` call (events a pull returned beyond the
   * batch's room, events waiting in a push queue): do not change or reuse the bytes after handing them
   * over. Give each event its own buffer, or a copy (`bytes.slice()`).
   */
  readonly data: Uint8Array | string;
  /** Nanoseconds since the epoch (bigint or number) or a `Date`; omitted means "stamped by the host". */
  readonly timestamp?: Timestamp;
}

/** Whether a value has the shape of a `SourceEvent`. */
export function isSourceEvent(value: unknown): value is SourceEvent {
  if (typeof value !== 'object' || value === null) return false;
  const data = (value as { data?: unknown }).data;
  return typeof data === 'string' || data instanceof Uint8Array;
}

/** A short description of any value, for error messages (`undefined`, `number 3`, `object {"a":1}`). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return `string "${abbreviate(value)}"`;
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return `object ${abbreviate(json)}`;
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
