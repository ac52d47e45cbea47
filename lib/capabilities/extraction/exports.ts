import type { ReturnCode } from '../../symbols/return-codes';
import type { ExtractionSymbols } from './symbols';

/** The field extraction functions the native layer calls (`exports_extraction.cc`). */
export interface ExtractionExports {
  extract(argKey?: string): ReturnCode;
  /** The fields to compute ahead for each batch (see `prefetch.ts`). */
  setPrefetchKeys(json: string): void;
  /** Computes them for the last batch of instance `handle`; returns the events indexed. */
  prefetchBatch(handle: number): number;
}

/** The extraction exports over the symbols of the current plugin state. */
export function extractionExports(symbols: () => ExtractionSymbols): ExtractionExports {
  return {
    extract: (argKey) => symbols().extract(argKey),
    setPrefetchKeys: (json) => symbols().setPrefetchKeys(json),
    prefetchBatch: (handle) => symbols().prefetchBatch(handle),
  };
}
