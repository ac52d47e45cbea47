import type { ReturnCode } from '../../symbols/return-codes';
import type { ListeningSymbols } from './symbols';

/** The capture listening functions the native layer calls (`native/plugin/src/listening`). */
export interface ListeningExports {
  captureOpen(): ReturnCode;
  captureClose(): ReturnCode;
  /** One run of a subscribed routine: whether it runs again. */
  runRoutine(id: number): boolean;
  /** The native layer stopped routine `id` (its deadline): it does not run again. */
  routineStopped(id: number): void;
}

/** The listening exports over the symbols of the current plugin state. */
export function listeningExports(symbols: () => ListeningSymbols): ListeningExports {
  return {
    captureOpen: () => symbols().captureOpen(),
    captureClose: () => symbols().captureClose(),
    runRoutine: (id) => symbols().runRoutine(id),
    routineStopped: (id) => symbols().routineStopped(id),
  };
}
