/** The plugin API return codes (`ss_plugin_rc`). */
export enum ReturnCode {
  Success = 0,
  Failure = 1,
  Timeout = -1,
  Eof = 2,
  NotSupported = 3,
}
