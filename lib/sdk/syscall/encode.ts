import {
  EVENT_HEADER_SIZE,
  EVENT_LEN_OFFSET,
  EVENT_NPARAMS_OFFSET,
  EVENT_TYPE_OFFSET,
} from '../event-layout';
import { encodeParam } from './encode-params';
import { eventSpec, paramLengthSize, SYSCALL_EVENTS } from './event-types';
import type { SyscallEventKey } from './event-types';
import type { SyscallEventInput } from './schema-types';

/** The header values of an encoded event; both default to 0. */
export interface EncodeOptions {
  /** The timestamp in nanoseconds since the epoch. */
  readonly ts?: bigint | number;
  /** The thread id (plugin and async events carry -1). */
  readonly tid?: bigint | number;
}

/**
 * Builds one libscap event of a schema type from a plain object: the header, the parameter lengths (u16,
 * or u32 for large-payload types) and the parameters in schema order, strings NUL-terminated. A parameter
 * left out (or `undefined`/`null`) is written empty. Throws, naming the event and the parameter, for a
 * value that does not fit its type, and for a parameter name the event does not have.
 */
export function encodeSyscallEvent<K extends SyscallEventKey>(
  key: K,
  params: SyscallEventInput<K>,
  options: EncodeOptions = {},
): Uint8Array {
  if (!Object.prototype.hasOwnProperty.call(SYSCALL_EVENTS, key)) {
    throw new Error(`encodeSyscallEvent: unknown event '${String(key)}'`);
  }
  const spec = eventSpec(key);
  const label = `syscall event ${key} (type ${spec.type})`;
  const given = params as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(given)) {
    if (!spec.params.some((p) => p.name === name)) throw new Error(`${label}: no parameter '${name}'`);
  }
  const parts = spec.params.map((p) => {
    const value = given[p.name];
    return value === undefined || value === null
      ? new Uint8Array(0)
      : encodeParam(p, value, `${label}: parameter '${p.name}' (${p.type})`);
  });
  const width = paramLengthSize(spec.type);
  const maxSize = width === 2 ? 0xffff : 0xffff_ffff;
  parts.forEach((part, i) => {
    if (part.length > maxSize) {
      throw new Error(
        `${label}: parameter '${spec.params[i].name}' is ${part.length} bytes, more than a ${width * 8}-bit length holds`,
      );
    }
  });
  const length = EVENT_HEADER_SIZE + width * parts.length + parts.reduce((n, p) => n + p.length, 0);
  if (length > 0xffff_ffff) throw new Error(`${label}: ${length} bytes is more than a u32 len holds`);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, BigInt(options.ts ?? 0)), true);
  view.setBigUint64(8, BigInt.asUintN(64, BigInt(options.tid ?? 0)), true);
  view.setUint32(EVENT_LEN_OFFSET, length, true);
  view.setUint16(EVENT_TYPE_OFFSET, spec.type, true);
  view.setUint32(EVENT_NPARAMS_OFFSET, parts.length, true);
  let at = EVENT_HEADER_SIZE + width * parts.length;
  parts.forEach((part, i) => {
    const lengthAt = EVENT_HEADER_SIZE + width * i;
    if (width === 2) view.setUint16(lengthAt, part.length, true);
    else view.setUint32(lengthAt, part.length, true);
    out.set(part, at);
    at += part.length;
  });
  return out;
}
