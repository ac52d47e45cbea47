/*
 * Typed, zero-copy access to libscap events (syscall events and the plugin and async meta events): the
 * schema as data, a strict reader and an encoder.
 *
 * ```ts
 * const ev = readSyscallEvent(bytes);
 * if (ev.key === 'openat_x') {
 *   const fd = ev.param('fd'); // bigint
 *   const path = ev.param('name'); // string
 *   const flags = ev.param('flags'); // { value: number; names: ('O_RDONLY' | 'O_CREAT' | …)[] }
 * }
 * const bytes = encodeSyscallEvent('openat_x', { fd: 3n, dirfd: -100n, name: '/etc/passwd', flags: ['O_RDONLY'] }, { ts, tid });
 * ```
 */

// Reading one event.
export { readSyscallEvent } from './syscall-event';
// The reader's event views: a known type (`SyscallEvent<K>`), an unknown one, and their union.
export type { AnySyscallEvent, EventBytes, SyscallEvent, UnknownSyscallEvent } from './syscall-event';
// Encoding one event.
export { encodeSyscallEvent } from './encode';
// The header values given to `encodeSyscallEvent`.
export type { EncodeOptions } from './encode';
// The schema: its version, every event type by key, the meta events, and lookups by type number.
export {
  SYSCALL_SCHEMA_VERSION,
  SYSCALL_EVENTS,
  META_EVENTS,
  syscallEventKey,
  syscallEventTypes,
  paramLengthSize,
} from './event-types';
// The key and the schema entry type of an event.
export type { SyscallEventKey, SyscallEventSpec } from './event-types';
// The shape of a schema entry.
export type { EventSpec } from './event-spec';
// Per-event parameter names, values as read and inputs to the encoder.
export type {
  SyscallParamName,
  SyscallParamValue,
  SyscallParamInput,
  SyscallEventParams,
  SyscallEventInput,
  ParamsOf,
  ParamSpecOf,
} from './schema-types';
// Parameter types and the structured values of flags, socket addresses and fd lists.
export type {
  ParamType,
  ParamSpec,
  ParamValue,
  ParamInput,
  FlagsValue,
  Endpoint,
  SocketAddress,
  SocketTuple,
  FdListEntry,
  NumberParamType,
  BigIntParamType,
  StringParamType,
  BytesParamType,
  FlagsParamType,
  FixedSizeParamType,
  FlagNameOf,
} from './param-types';
// The name tables of the flag, mode and enumeration parameters.
export {
  OPEN_FLAGS,
  CREAT_FLAGS,
  CLONE_FLAGS,
  PROT_FLAGS,
  MMAP_FLAGS,
  UNLINKAT_FLAGS,
  RENAMEAT2_FLAGS,
  OPENAT2_RESOLVE_FLAGS,
  EXECVE_FLAGS,
  EXECVEAT_FLAGS,
  FILE_MODE_BITS,
  SOCKET_FAMILIES,
  PTRACE_REQUESTS,
} from './flag-tables';
// One entry and one table of flag names.
export type { FlagEntry, FlagTable } from './flag-tables';
// The flag names a value resolves to.
export { resolveFlagNames } from './flags';
