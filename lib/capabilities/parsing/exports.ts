import type { ReturnCode } from '../../symbols/return-codes';
import type { ParsingSymbols } from './symbols';

/** The event parsing functions the native layer calls (`exports_parsing.cc`). */
export interface ParsingExports {
  /** `source`: the event's source, sent only when it changed since the previous call. */
  parseEvent(source?: string): ReturnCode;
}

/** The parsing exports over the symbols of the current plugin state. */
export function parsingExports(symbols: () => ParsingSymbols): ParsingExports {
  return { parseEvent: (source) => symbols().parseEvent(source) };
}
