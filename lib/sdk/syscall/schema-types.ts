import type { SyscallEventKey, SyscallEventSpec } from './event-types';
import type { ParamInput, ParamValue } from './param-types';

/** The parameter entries of an event key, in order. */
export type ParamsOf<K extends SyscallEventKey> = SyscallEventSpec<K>['params'];

/** The parameter names of an event key, e.g. `'fd' | 'dirfd' | 'name' | …` for `'openat_x'`. */
export type SyscallParamName<K extends SyscallEventKey> = ParamsOf<K>[number]['name'];

/** The schema entry of one parameter of an event key. */
export type ParamSpecOf<K extends SyscallEventKey, P extends SyscallParamName<K>> = Extract<
  ParamsOf<K>[number],
  {
    /** The parameter's name, which selects its entry. */
    readonly name: P;
  }
>;

/** The type the reader gives for a parameter, e.g. `bigint` for `fd` of `'openat_x'`. */
export type SyscallParamValue<K extends SyscallEventKey, P extends SyscallParamName<K>> = ParamValue<
  ParamSpecOf<K, P>
>;

/** The type the encoder takes for a parameter. */
export type SyscallParamInput<K extends SyscallEventKey, P extends SyscallParamName<K>> = ParamInput<
  ParamSpecOf<K, P>
>;

/** All parameters of an event as the reader gives them; an empty parameter (0 bytes) is `undefined`. */
export type SyscallEventParams<K extends SyscallEventKey> = {
  [P in SyscallParamName<K>]: SyscallParamValue<K, P> | undefined;
};

/**
 * The parameters the encoder takes for an event key. A parameter left out, `undefined` or `null` is
 * written empty (0 bytes), as libscap writes a value it does not have.
 */
export type SyscallEventInput<K extends SyscallEventKey> = {
  [P in SyscallParamName<K>]?: SyscallParamInput<K, P> | null;
};
