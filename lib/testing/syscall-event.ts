import { encodeSyscallEvent } from '../sdk/syscall/encode';
import type { SyscallEventKey } from '../sdk/syscall/event-types';
import type { SyscallEventInput } from '../sdk/syscall/schema-types';
import type { CapturedEvent } from './harness-types';

/** Options of `syscallEvent`. */
export interface SyscallEventOptions {
  /** The event number the host gave it (default 1). */
  readonly number?: number;
  /** Its timestamp in nanoseconds (default 0). */
  readonly timestamp?: bigint;
  /** The thread it happened on (default 1). */
  readonly tid?: bigint;
}

/**
 * A syscall event of type `key` with `params` (typed by the event schema; a parameter left out is empty),
 * as the kernel's driver would have produced it: for tests of plugins that parse or extract libsinsp's own
 * events.
 *
 * @example
 * state.extract(syscallEvent('execve_x', { res: 0n, exe: '/bin/ls', args: ['-la'] }), 'cmdline.len');
 */
export function syscallEvent<K extends SyscallEventKey>(
  key: K,
  params: SyscallEventInput<K>,
  options: SyscallEventOptions = {},
): CapturedEvent {
  const timestamp = options.timestamp ?? 0n;
  const bytes = encodeSyscallEvent(key, params, { ts: timestamp, tid: options.tid ?? 1n });
  return { bytes, timestamp, pluginId: 0, number: options.number ?? 1 };
}
