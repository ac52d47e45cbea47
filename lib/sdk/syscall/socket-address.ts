import { ipv4Bytes, ipv6Bytes } from '../ip-address';
import type { SocketAddress, SocketTuple } from './param-types';

/** The `PPM_AF_*` codes of the families read into structured addresses. */
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

// Sizes on the wire: a family byte, then the addresses (network byte order) and ports (u16, little-endian).
const SOCKADDR_INET_SIZE = 1 + 4 + 2;
const SOCKADDR_INET6_SIZE = 1 + 16 + 2;
const SOCKTUPLE_INET_SIZE = 1 + (4 + 2) * 2;
const SOCKTUPLE_INET6_SIZE = 1 + (16 + 2) * 2;
/** A Unix tuple: the family, two u64 kernel addresses, then the NUL-terminated path. */
const SOCKTUPLE_UNIX_PATH_OFFSET = 1 + 8 + 8;

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** What is wrong with a non-empty `sockaddr` parameter, or `undefined`. */
export function sockaddrProblem(bytes: Uint8Array): string | undefined {
  switch (bytes[0]) {
    case AF_INET:
      return exactSize(bytes, SOCKADDR_INET_SIZE, 'an AF_INET address');
    case AF_INET6:
      return exactSize(bytes, SOCKADDR_INET6_SIZE, 'an AF_INET6 address');
    case AF_UNIX:
      return bytes.length < 2 || bytes[bytes.length - 1] !== 0
        ? 'is an AF_UNIX address without a NUL-terminated path'
        : undefined;
    default:
      return undefined;
  }
}

/** What is wrong with a non-empty `socktuple` parameter, or `undefined`. */
export function socktupleProblem(bytes: Uint8Array): string | undefined {
  switch (bytes[0]) {
    case AF_INET:
      return exactSize(bytes, SOCKTUPLE_INET_SIZE, 'an AF_INET tuple');
    case AF_INET6:
      return exactSize(bytes, SOCKTUPLE_INET6_SIZE, 'an AF_INET6 tuple');
    case AF_UNIX:
      return bytes.length <= SOCKTUPLE_UNIX_PATH_OFFSET || bytes[bytes.length - 1] !== 0
        ? `is an AF_UNIX tuple without two 8-byte addresses and a NUL-terminated path`
        : undefined;
    default:
      return undefined;
  }
}

function exactSize(bytes: Uint8Array, size: number, what: string): string | undefined {
  return bytes.length === size ? undefined : `is ${bytes.length} bytes, ${what} is ${size}`;
}

/** Reads a `sockaddr` parameter that `sockaddrProblem` accepted. */
export function readSockaddr(bytes: Uint8Array, view: DataView): SocketAddress {
  switch (bytes[0]) {
    case AF_INET:
      return { family: 'inet', address: ipv4Text(bytes, 1), port: view.getUint16(5, true) };
    case AF_INET6:
      return { family: 'inet6', address: ipv6Text(bytes, 1), port: view.getUint16(17, true) };
    case AF_UNIX:
      return { family: 'unix', path: textUpToNul(bytes.subarray(1)) };
    default:
      return { family: 'other', familyCode: bytes[0], data: bytes.subarray(1) };
  }
}

/** Reads a `socktuple` parameter that `socktupleProblem` accepted. */
export function readSocktuple(bytes: Uint8Array, view: DataView): SocketTuple {
  switch (bytes[0]) {
    case AF_INET:
      return {
        family: 'inet',
        source: { address: ipv4Text(bytes, 1), port: view.getUint16(5, true) },
        destination: { address: ipv4Text(bytes, 7), port: view.getUint16(11, true) },
      };
    case AF_INET6:
      return {
        family: 'inet6',
        source: { address: ipv6Text(bytes, 1), port: view.getUint16(17, true) },
        destination: { address: ipv6Text(bytes, 19), port: view.getUint16(35, true) },
      };
    case AF_UNIX:
      return {
        family: 'unix',
        source: view.getBigUint64(1, true),
        destination: view.getBigUint64(9, true),
        path: textUpToNul(bytes.subarray(SOCKTUPLE_UNIX_PATH_OFFSET)),
      };
    default:
      return { family: 'other', familyCode: bytes[0], data: bytes.subarray(1) };
  }
}

/** The bytes of a `sockaddr` parameter. Throws (with `where` in front) for an address that does not parse. */
export function encodeSockaddr(value: SocketAddress, where: string): Uint8Array {
  switch (value.family) {
    case 'inet':
      return concat([AF_INET], addressBytes(value.address, 4, where), port(value.port, where));
    case 'inet6':
      return concat([AF_INET6], addressBytes(value.address, 16, where), port(value.port, where));
    case 'unix':
      return concat([AF_UNIX], utf8Encoder.encode(value.path), [0]);
    case 'other':
      return concat([familyByte(value.familyCode, where)], value.data);
  }
}

/** The bytes of a `socktuple` parameter. Throws (with `where` in front) for an address that does not parse. */
export function encodeSocktuple(value: SocketTuple, where: string): Uint8Array {
  switch (value.family) {
    case 'inet':
    case 'inet6': {
      const size = value.family === 'inet' ? 4 : 16;
      return concat(
        [value.family === 'inet' ? AF_INET : AF_INET6],
        addressBytes(value.source.address, size, where),
        port(value.source.port, where),
        addressBytes(value.destination.address, size, where),
        port(value.destination.port, where),
      );
    }
    case 'unix':
      return concat(
        [AF_UNIX],
        u64(value.source),
        u64(value.destination),
        utf8Encoder.encode(value.path),
        [0],
      );
    case 'other':
      return concat([familyByte(value.familyCode, where)], value.data);
  }
}

function familyByte(code: number, where: string): number {
  if (!Number.isInteger(code) || code < 0 || code > 0xff) {
    throw new Error(`${where}: family code ${code} is not an integer in [0, 255]`);
  }
  return code;
}

/** Dotted text of the 4 bytes at `at`. */
function ipv4Text(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/**
 * RFC 5952 text of the 16 bytes at `at`: lower-case groups without leading zeros, the longest run of two or
 * more zero groups (the first of equal runs) as `::`, and an IPv4-mapped address as `::ffff:a.b.c.d`.
 */
export function ipv6Text(bytes: Uint8Array, at = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[at + i * 2] << 8) | bytes[at + i * 2 + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${ipv4Text(bytes, at + 12)}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** UTF-8 text of the bytes before the first NUL (all of them if there is none). */
export function textUpToNul(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

function addressBytes(text: string, size: 4 | 16, where: string): Uint8Array {
  const bytes = size === 4 ? ipv4Bytes(text) : ipv6Bytes(text);
  if (bytes === undefined) throw new Error(`${where}: '${text}' is not an IPv${size === 4 ? 4 : 6} address`);
  return bytes;
}

function port(value: number, where: string): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new Error(`${where}: port ${value} is not an integer in [0, 65535]`);
  }
  return new Uint8Array([value & 0xff, (value >> 8) & 0xff]);
}

function u64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return out;
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
