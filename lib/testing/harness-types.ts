import type { DecodedValue, RawEvent } from './decode';

/** A failure the plugin reported, with the message it gave through `get_last_error`. */
export class PluginCallError extends Error {
  constructor(
    /** The host call that failed, e.g. `init` or `next_batch`. */
    readonly call: string,
    /**
     * The plugin's last error; or, when the harness refuses the call as the host would (a config the init
     * schema refuses, a `next_batch` SUCCESS with no events), the reason.
     */
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
