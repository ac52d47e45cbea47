import type { FlagTable } from './flag-tables';

/** Parameter types read as a `number`: integers of up to 32 bits, user and group ids, signal numbers. */
export type NumberParamType =
  'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'uid' | 'gid' | 'sigtype';
/**
 * Parameter types read as a `bigint`: 64-bit integers, including a syscall's return value (`errno`, negative
 * on failure), process and thread ids (`pid`), file descriptors (`fd`) and times in nanoseconds.
 */
export type BigIntParamType = 'int64' | 'uint64' | 'errno' | 'pid' | 'fd' | 'reltime' | 'abstime';
/** Parameter types read as a `string`: NUL-terminated text, absolute or relative paths. */
export type StringParamType = 'charbuf' | 'fspath' | 'fsrelpath';
/**
 * Parameter types read as bytes (a view into the event, not a copy). A `dyn` parameter is a one-byte
 * index of the variant followed by the variant's value; it is given whole.
 */
export type BytesParamType = 'bytebuf' | 'dyn';
/**
 * Parameter types read as a value with the names it resolves to: bit flags, an enumeration (`enumflags*`,
 * one value) and permission bits (`mode`).
 */
export type FlagsParamType =
  'flags8' | 'flags16' | 'flags32' | 'enumflags8' | 'enumflags16' | 'enumflags32' | 'mode';
/** The fixed-size parameter types. */
export type FixedSizeParamType = NumberParamType | BigIntParamType | FlagsParamType;

/**
 * Every parameter type the schema uses. `charbufarray` is a list of NUL-terminated strings back to back
 * (libscap declares execve's `args` and `env` and the clone family's `cgroups` as bytes, with this content);
 * `sockaddr` and `socktuple` are a socket address and a connection's two ends; `fdlist` a count and
 * `fd, flags` pairs.
 */
export type ParamType =
  | FixedSizeParamType
  | StringParamType
  | BytesParamType
  | 'charbufarray'
  | 'sockaddr'
  | 'socktuple'
  | 'fdlist';

/** The size in bytes of each fixed-size parameter type. */
export const FIXED_PARAM_SIZE: Readonly<Record<FixedSizeParamType, 1 | 2 | 4 | 8>> = {
  int8: 1,
  uint8: 1,
  sigtype: 1,
  flags8: 1,
  enumflags8: 1,
  int16: 2,
  uint16: 2,
  flags16: 2,
  enumflags16: 2,
  int32: 4,
  uint32: 4,
  uid: 4,
  gid: 4,
  flags32: 4,
  enumflags32: 4,
  mode: 4,
  int64: 8,
  uint64: 8,
  errno: 8,
  pid: 8,
  fd: 8,
  reltime: 8,
  abstime: 8,
};

/** Whether a parameter type has a fixed size (then `FIXED_PARAM_SIZE` gives it). */
export function isFixedSize(type: ParamType): type is FixedSizeParamType {
  return Object.prototype.hasOwnProperty.call(FIXED_PARAM_SIZE, type);
}

/** One parameter of an event in the schema: its name, its type and, for flags, the table of its names. */
export interface ParamSpec {
  /** The parameter's name, as libsinsp names it (`fd`, `dirfd`, `name`, …). */
  readonly name: string;
  /** How the parameter's bytes are encoded, which decides the value the reader gives. */
  readonly type: ParamType;
  /** For a flags, enumeration or mode parameter, the table of the names its value resolves to. */
  readonly flags?: FlagTable;
}

/** A flags, enumeration or mode parameter as read: the raw value and the names it resolves to. */
export interface FlagsValue<Name extends string = string> {
  /** The parameter's value as stored in the event (an unsigned integer). */
  readonly value: number;
  /** The names of the flag table the value resolves to (see `resolveFlagNames`); empty when none does. */
  readonly names: readonly Name[];
}

/** One end of an IPv4 or IPv6 connection: the address as text and the port. */
export interface Endpoint {
  /** The IP address as text (`10.0.0.1`, `::1`). */
  readonly address: string;
  /** The port number. */
  readonly port: number;
}

/**
 * A `sockaddr` parameter: an IPv4 or IPv6 address (as text) with its port, a Unix socket path, or another
 * family (its `PPM_AF_*` code and the bytes after the family byte).
 */
export type SocketAddress =
  | {
      /** An IPv4 address. */
      readonly family: 'inet';
      /** The address as text, e.g. `10.0.0.1`. */
      readonly address: string;
      /** The port number. */
      readonly port: number;
    }
  | {
      /** An IPv6 address. */
      readonly family: 'inet6';
      /** The address as text, e.g. `::1`. */
      readonly address: string;
      /** The port number. */
      readonly port: number;
    }
  | {
      /** A Unix socket. */
      readonly family: 'unix';
      /** The socket's path. */
      readonly path: string;
    }
  | {
      /** A family the reader does not decode. */
      readonly family: 'other';
      /** The family's `PPM_AF_*` code (the parameter's first byte). */
      readonly familyCode: number;
      /** The bytes after the family byte. */
      readonly data: Uint8Array;
    };

/**
 * A `socktuple` parameter: both ends of an IPv4 or IPv6 connection; for a Unix socket, the kernel addresses
 * of both socket objects and the path; or another family (its code and the bytes after the family byte).
 */
export type SocketTuple =
  | {
      /** An IPv4 connection. */
      readonly family: 'inet';
      /** The source end. */
      readonly source: Endpoint;
      /** The destination end. */
      readonly destination: Endpoint;
    }
  | {
      /** An IPv6 connection. */
      readonly family: 'inet6';
      /** The source end. */
      readonly source: Endpoint;
      /** The destination end. */
      readonly destination: Endpoint;
    }
  | {
      /** A Unix socket connection. */
      readonly family: 'unix';
      /** The kernel address of the source socket object. */
      readonly source: bigint;
      /** The kernel address of the destination socket object. */
      readonly destination: bigint;
      /** The socket's path. */
      readonly path: string;
    }
  | {
      /** A family the reader does not decode. */
      readonly family: 'other';
      /** The family's `PPM_AF_*` code (the parameter's first byte). */
      readonly familyCode: number;
      /** The bytes after the family byte. */
      readonly data: Uint8Array;
    };

/** One entry of an `fdlist` parameter. */
export interface FdListEntry {
  /** The file descriptor number. */
  readonly fd: bigint;
  /** The flags stored with it (a 16-bit value, as libscap writes it). */
  readonly flags: number;
}

/** The names of a parameter's flag table, or `string` when it has none. */
export type FlagNameOf<S extends ParamSpec> = S extends {
  /** The parameter's flag table, whose names are taken. */
  readonly flags: infer T extends FlagTable;
}
  ? T[number][0]
  : string;

/** The value of a parameter as the reader gives it, by the parameter's schema entry. */
export type ParamValue<S extends ParamSpec> = S['type'] extends NumberParamType
  ? number
  : S['type'] extends BigIntParamType
    ? bigint
    : S['type'] extends StringParamType
      ? string
      : S['type'] extends BytesParamType
        ? Uint8Array
        : S['type'] extends FlagsParamType
          ? FlagsValue<FlagNameOf<S>>
          : S['type'] extends 'charbufarray'
            ? string[]
            : S['type'] extends 'sockaddr'
              ? SocketAddress
              : S['type'] extends 'socktuple'
                ? SocketTuple
                : S['type'] extends 'fdlist'
                  ? FdListEntry[]
                  : never;

/**
 * The value of a parameter as the encoder takes it: 64-bit integers as `bigint` or (safe) `number`, flags
 * as a number, a list of names of their table or a value as read; socket addresses as read; lists as arrays.
 */
export type ParamInput<S extends ParamSpec> = S['type'] extends NumberParamType
  ? number
  : S['type'] extends BigIntParamType
    ? bigint | number
    : S['type'] extends StringParamType
      ? string
      : S['type'] extends BytesParamType
        ? Uint8Array
        : S['type'] extends FlagsParamType
          ? number | readonly FlagNameOf<S>[] | FlagsValue<FlagNameOf<S>>
          : S['type'] extends 'charbufarray'
            ? readonly string[]
            : S['type'] extends 'sockaddr'
              ? SocketAddress
              : S['type'] extends 'socktuple'
                ? SocketTuple
                : S['type'] extends 'fdlist'
                  ? readonly { readonly fd: bigint | number; readonly flags: number }[]
                  : never;
