import type { ParamSpec } from './param-types';

/**
 * One event type of the schema. Events are keyed `<name>_e` (enter) and `<name>_x` (exit), with `name` as
 * libsinsp shows it in `evt.type` (`openat`, `execve`, …) and `direction` as `evt.dir` (`>` enter, `<`
 * exit). Meta events (plugin, async, procexit) have only an enter event.
 */
export interface EventSpec {
  /** The event type number (`PPME_*`), the header's `type`. */
  readonly type: number;
  /** The name, as libsinsp's `evt.type`. */
  readonly name: string;
  /** `'enter'` for a `<name>_e` event, `'exit'` for a `<name>_x` event (`evt.dir` `>` and `<`). */
  readonly direction: 'enter' | 'exit';
  /**
   * Marked old (`EF_OLD_VERSION`) in the libscap table: current drivers no longer send this enter event
   * (its exit event carries all the parameters), but older captures hold it.
   */
  readonly legacy?: boolean;
  /** Parameter lengths are u32 (`EF_LARGE_PAYLOAD`); otherwise they are u16. */
  readonly largePayload?: boolean;
  /** The parameters, in their order in the event. */
  readonly params: readonly ParamSpec[];
}
