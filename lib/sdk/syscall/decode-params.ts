import { resolveFlagNames } from './flags';
import { FIXED_PARAM_SIZE, isFixedSize } from './param-types';
import type { FdListEntry, FlagsValue, ParamSpec, ParamType } from './param-types';
import {
  readSockaddr,
  readSocktuple,
  sockaddrProblem,
  socktupleProblem,
  textUpToNul,
} from './socket-address';

/** An `fdlist` is a u16 count, then per entry an i64 fd and u16 flags. */
const FDLIST_ENTRY_SIZE = 10;

/**
 * What is wrong with the bytes of a non-empty parameter for its type (`is 4 bytes, expected 8`, …), or
 * `undefined` when they can be read.
 */
export function paramProblem(type: ParamType, bytes: Uint8Array): string | undefined {
  if (isFixedSize(type)) {
    const size = FIXED_PARAM_SIZE[type];
    return bytes.length === size ? undefined : `is ${bytes.length} bytes, expected ${size}`;
  }
  switch (type) {
    case 'charbuf':
    case 'fspath':
    case 'fsrelpath':
      return bytes[bytes.length - 1] === 0 ? undefined : 'is not NUL-terminated';
    case 'sockaddr':
      return sockaddrProblem(bytes);
    case 'socktuple':
      return socktupleProblem(bytes);
    case 'fdlist': {
      const count = bytes.length >= 2 ? bytes[0] | (bytes[1] << 8) : 0;
      const size = 2 + count * FDLIST_ENTRY_SIZE;
      return bytes.length === size
        ? undefined
        : `is ${bytes.length} bytes, a list of ${count} fds is ${size}`;
    }
    default:
      return undefined;
  }
}

/** Reads a parameter that `paramProblem` accepted; `view` is a DataView over exactly its bytes. */
export function decodeParam(spec: ParamSpec, bytes: Uint8Array, view: DataView): unknown {
  switch (spec.type) {
    case 'int8':
      return view.getInt8(0);
    case 'uint8':
    case 'sigtype':
      return view.getUint8(0);
    case 'int16':
      return view.getInt16(0, true);
    case 'uint16':
      return view.getUint16(0, true);
    case 'int32':
      return view.getInt32(0, true);
    case 'uint32':
    case 'uid':
    case 'gid':
      return view.getUint32(0, true);
    case 'int64':
    case 'errno':
    case 'pid':
    case 'fd':
      return view.getBigInt64(0, true);
    case 'uint64':
    case 'reltime':
    case 'abstime':
      return view.getBigUint64(0, true);
    case 'flags8':
    case 'flags16':
    case 'flags32':
    case 'mode':
    case 'enumflags8':
    case 'enumflags16':
    case 'enumflags32':
      return flagsValue(spec, unsignedOf(bytes.length, view));
    case 'charbuf':
    case 'fspath':
    case 'fsrelpath':
      return textUpToNul(bytes);
    case 'bytebuf':
    case 'dyn':
      return bytes;
    case 'charbufarray':
      return stringList(bytes);
    case 'sockaddr':
      return readSockaddr(bytes, view);
    case 'socktuple':
      return readSocktuple(bytes, view);
    case 'fdlist':
      return fdList(view);
  }
}

function unsignedOf(size: number, view: DataView): number {
  return size === 1 ? view.getUint8(0) : size === 2 ? view.getUint16(0, true) : view.getUint32(0, true);
}

function flagsValue(spec: ParamSpec, value: number): FlagsValue {
  const enumeration = spec.type.startsWith('enum');
  return { value, names: resolveFlagNames(spec.flags, value, enumeration) };
}

/** NUL-terminated strings back to back; a last string without its NUL is kept. */
function stringList(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0, start);
    if (end < 0) end = bytes.length;
    out.push(textUpToNul(bytes.subarray(start, end)));
    start = end + 1;
  }
  return out;
}

function fdList(view: DataView): FdListEntry[] {
  const count = view.getUint16(0, true);
  const out: FdListEntry[] = [];
  for (let i = 0, at = 2; i < count; i++, at += FDLIST_ENTRY_SIZE) {
    out.push({ fd: view.getBigInt64(at, true), flags: view.getUint16(at + 8, true) });
  }
  return out;
}
