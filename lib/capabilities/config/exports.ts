import type { ReturnCode } from '../../symbols/return-codes';
import type { MaybePromise } from '../../symbols/settle';
import type { ConfigSymbols } from './symbols';

/** The config update function the native layer calls (`native/plugin/src/config`). */
export interface ConfigExports {
  setConfig(config: string): MaybePromise<ReturnCode>;
}

/** The config exports over the symbols of the current plugin state. */
export function configExports(symbols: () => ConfigSymbols): ConfigExports {
  return { setConfig: (config) => symbols().setConfig(config) };
}
