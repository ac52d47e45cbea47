import { flagsInputValue } from './flags';
import { FIXED_PARAM_SIZE } from './param-types';
import type { FlagsValue, ParamSpec, SocketAddress, SocketTuple } from './param-types';
import { encodeSockaddr, encodeSocktuple } from './socket-address';

const utf8 = new TextEncoder();

/** The integer ranges of the number-valued types. */
const NUMBER_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-0x80, 0x7f],
  uint8: [0, 0xff],
  sigtype: [0, 0xff],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
  uint32: [0, 0xffff_ffff],
  uid: [0, 0xffff_ffff],
  gid: [0, 0xffff_ffff],
};

const SIGNED_64 = new Set(['int64', 'errno', 'pid', 'fd']);

/**
 * The bytes of one parameter from its input value (typed by the schema at the public boundary, checked
 * here again for JavaScript callers). Throws with `where` (the event and parameter) in front.
 */
export function encodeParam(spec: ParamSpec, input: unknown, where: string): Uint8Array {
  switch (spec.type) {
    case 'int8':
    case 'uint8':
    case 'sigtype':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'uid':
    case 'gid':
      return fixed(spec.type, checkedNumber(input, NUMBER_RANGE[spec.type], where));
    case 'int64':
    case 'uint64':
    case 'errno':
    case 'pid':
    case 'fd':
    case 'reltime':
    case 'abstime':
      return int64(checkedBigInt(input, SIGNED_64.has(spec.type), where));
    case 'flags8':
    case 'flags16':
    case 'flags32':
    case 'mode':
    case 'enumflags8':
    case 'enumflags16':
    case 'enumflags32': {
      const flags = input as number | readonly string[] | FlagsValue;
      const value = flagsInputValue(spec.flags, flags, spec.type.startsWith('enum'), where);
      const size = FIXED_PARAM_SIZE[spec.type];
      return fixed(spec.type, checkedNumber(value, [0, 2 ** (size * 8) - 1], where));
    }
    case 'charbuf':
    case 'fspath':
    case 'fsrelpath':
      return terminated(checkedString(input, where));
    case 'bytebuf':
    case 'dyn':
      if (!(input instanceof Uint8Array)) throw new Error(`${where}: expected a Uint8Array`);
      return input;
    case 'charbufarray': {
      if (!Array.isArray(input)) throw new Error(`${where}: expected an array of strings`);
      return concat(input.map((s: unknown) => terminated(checkedString(s, where))));
    }
    case 'sockaddr':
      return encodeSockaddr(input as SocketAddress, where);
    case 'socktuple':
      return encodeSocktuple(input as SocketTuple, where);
    case 'fdlist':
      return fdList(input as readonly { fd: bigint | number; flags: number }[], where);
  }
}

function checkedNumber(input: unknown, [min, max]: readonly [number, number], where: string): number {
  if (typeof input !== 'number' || !Number.isInteger(input) || input < min || input > max) {
    throw new Error(`${where}: ${String(input)} is not an integer in [${min}, ${max}]`);
  }
  return input;
}

function checkedBigInt(input: unknown, signed: boolean, where: string): bigint {
  const value =
    typeof input === 'bigint'
      ? input
      : typeof input === 'number' && Number.isSafeInteger(input)
        ? BigInt(input)
        : undefined;
  const wrapped =
    value === undefined ? undefined : signed ? BigInt.asIntN(64, value) : BigInt.asUintN(64, value);
  if (value === undefined || wrapped !== value) {
    throw new Error(`${where}: ${String(input)} is not a ${signed ? 'signed' : 'unsigned'} 64-bit integer`);
  }
  return value;
}

function checkedString(input: unknown, where: string): string {
  if (typeof input !== 'string') throw new Error(`${where}: expected a string`);
  if (input.includes('\0')) throw new Error(`${where}: a string cannot hold a NUL character`);
  return input;
}

function fixed(type: keyof typeof FIXED_PARAM_SIZE, value: number): Uint8Array {
  const out = new Uint8Array(FIXED_PARAM_SIZE[type]);
  const view = new DataView(out.buffer);
  if (out.length === 1) view.setUint8(0, value & 0xff);
  else if (out.length === 2) view.setUint16(0, value & 0xffff, true);
  else view.setUint32(0, value >>> 0, true);
  return out;
}

function int64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return out;
}

function terminated(text: string): Uint8Array {
  const encoded = utf8.encode(text);
  const out = new Uint8Array(encoded.length + 1);
  out.set(encoded);
  return out;
}

function fdList(entries: readonly { fd: bigint | number; flags: number }[], where: string): Uint8Array {
  if (!Array.isArray(entries)) throw new Error(`${where}: expected an array of { fd, flags }`);
  if (entries.length > 0xffff) throw new Error(`${where}: at most 65535 fds, got ${entries.length}`);
  const out = new Uint8Array(2 + entries.length * 10);
  const view = new DataView(out.buffer);
  view.setUint16(0, entries.length, true);
  entries.forEach((entry, i) => {
    view.setBigInt64(2 + i * 10, checkedBigInt(entry.fd, true, where), true);
    view.setUint16(2 + i * 10 + 8, checkedNumber(entry.flags, [0, 0xffff], where), true);
  });
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
