import type { DecodedValue, RawEvent } from './decode';

/** A failure the plugin reported, with the message it gave through `get_last_error`. */
export class PluginCallError extends Error {
  constructor(
    readonly call: string,
    readonly lastError: string,
  ) {
    super(`${call} failed: ${lastError}`);
    this.name = 'PluginCallError';
  }
}

/** A captured event, numbered by the host. */
export interface CapturedEvent extends RawEvent {
  /** Event number, from 1, increasing over the whole plugin state. */
  readonly number: number;
}

/** A field's extracted value: one value, an array for list fields, `undefined` for no value. */
export type ExtractedValue = DecodedValue | DecodedValue[] | undefined;
