import type { MaybePromise } from '../../symbols/settle';
import type { ReturnCode } from '../../symbols/return-codes';
import type { SourcingSymbols } from './symbols';

/** The event sourcing functions the native layer calls (`exports_sourcing.cc`). */
export interface SourcingExports {
  /** The open params JSON, or `null` on failure. */
  listOpenParams(): MaybePromise<string | null>;
  /** An instance handle, or 0 on failure. */
  open(params: string): MaybePromise<number>;
  close(handle: number): MaybePromise<void>;
  nextBatch(handle: number): MaybePromise<ReturnCode>;
  progress(handle: number): string;
  eventToString(): string;
}

/** The sourcing exports over the symbols of the current plugin state. */
export function sourcingExports(symbols: () => SourcingSymbols): SourcingExports {
  return {
    listOpenParams: () => symbols().listOpenParams(),
    open: (params) => symbols().open(params),
    close: (handle) => symbols().close(handle),
    nextBatch: (handle) => symbols().nextBatch(handle),
    progress: (handle) => symbols().getProgress(handle),
    eventToString: () => symbols().eventToString(),
  };
}
