import type { ReturnCode } from '../../symbols/return-codes';
import type { AsyncSymbols } from './symbols';

/** The async event functions the native layer calls (`native/plugin/src/async`). */
export interface AsyncExports {
  /** `set_async_event_handler` with a handler (`true`) or NULL (`false`). */
  setAsyncHandler(installed: boolean): ReturnCode;
  /** `dump_state`, while the host's dump handler is set. */
  dumpState(): ReturnCode;
}

/** The async exports over the symbols of the current plugin state. */
export function asyncExports(symbols: () => AsyncSymbols): AsyncExports {
  return {
    setAsyncHandler: (installed) => symbols().setHandler(installed),
    dumpState: () => symbols().dumpState(),
  };
}
