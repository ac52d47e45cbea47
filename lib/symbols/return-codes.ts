/** The plugin API return codes (`ss_plugin_rc`). */
export enum ReturnCode {
  /** The call succeeded (`SS_PLUGIN_SUCCESS`). */
  Success = 0,
  /** The call failed; `get_last_error` says why (`SS_PLUGIN_FAILURE`). */
  Failure = 1,
  /** `next_batch`: no event for now, the host calls again later (`SS_PLUGIN_TIMEOUT`). */
  Timeout = -1,
  /** `next_batch`: the source has no more events (`SS_PLUGIN_EOF`). */
  Eof = 2,
  /** The operation is not supported (`SS_PLUGIN_NOT_SUPPORTED`). */
  NotSupported = 3,
}
