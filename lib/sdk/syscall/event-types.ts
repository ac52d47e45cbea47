import type { EventSpec } from './event-spec';
import { FILE_EVENTS } from './events-file';
import { NETWORK_EVENTS } from './events-network';
import { PROCESS_EVENTS } from './events-process';

/**
 * The libscap event schema version (`driver/SCHEMA_VERSION` of falcosecurity/libs) the event table below
 * was written for.
 */
export const SYSCALL_SCHEMA_VERSION = '4.5.1';

/** Events that do not come from a syscall: plugin events (322) and async events (402). */
export const META_EVENTS = {
  pluginevent_e: {
    type: 322,
    name: 'pluginevent',
    direction: 'enter',
    largePayload: true,
    params: [
      { name: 'plugin_id', type: 'uint32' },
      { name: 'event_data', type: 'bytebuf' },
    ],
  },
  asyncevent_e: {
    type: 402,
    name: 'asyncevent',
    direction: 'enter',
    largePayload: true,
    params: [
      { name: 'plugin_id', type: 'uint32' },
      { name: 'name', type: 'charbuf' },
      { name: 'data', type: 'bytebuf' },
    ],
  },
} as const satisfies Record<string, EventSpec>;

/**
 * The event types the reader and the encoder know, keyed `<name>_e` / `<name>_x` (see `EventSpec`), in
 * their current version: for events libscap has several versions of (`PPME_SYSCALL_EXECVE_19_X`, …), the
 * one current drivers send.
 */
export const SYSCALL_EVENTS = {
  ...FILE_EVENTS,
  ...PROCESS_EVENTS,
  ...NETWORK_EVENTS,
  ...META_EVENTS,
} as const satisfies Record<string, EventSpec>;

/** The key of an event type of the schema, e.g. `'openat_x'`. */
export type SyscallEventKey = keyof typeof SYSCALL_EVENTS;

/** The schema entry of an event key. */
export type SyscallEventSpec<K extends SyscallEventKey> = (typeof SYSCALL_EVENTS)[K];

const KEY_BY_TYPE: ReadonlyMap<number, SyscallEventKey> = new Map(
  (Object.keys(SYSCALL_EVENTS) as SyscallEventKey[]).map((key) => [SYSCALL_EVENTS[key].type, key]),
);

/** The key of an event type number, or `undefined` for a type the schema does not have. */
export function syscallEventKey(type: number): SyscallEventKey | undefined {
  return KEY_BY_TYPE.get(type);
}

/**
 * The type numbers of events, by key: what a plugin of syscall events declares in `extractEventTypes` or
 * `parseEventTypes` for the events its code reads.
 *
 * @example
 * extractEventTypes: syscallEventTypes('execve_x', 'execveat_x'), // [293, 331]
 */
export function syscallEventTypes(...keys: SyscallEventKey[]): number[] {
  return [...new Set(keys.map((key) => SYSCALL_EVENTS[key].type))].sort((a, b) => a - b);
}

/** The schema entry of an event key, as the untyped `EventSpec`. */
export function eventSpec(key: SyscallEventKey): EventSpec {
  return SYSCALL_EVENTS[key];
}

/**
 * The event types whose parameter lengths are u32 (`EF_LARGE_PAYLOAD`): plugin events, async events and
 * the container event (324, not in the schema). All other types have u16 parameter lengths.
 */
const LARGE_PAYLOAD_TYPES: ReadonlySet<number> = new Set([322, 324, 402]);

/** The size in bytes of each parameter length of an event type: 4 for large-payload types, else 2. */
export function paramLengthSize(type: number): 2 | 4 {
  return LARGE_PAYLOAD_TYPES.has(type) ? 4 : 2;
}
