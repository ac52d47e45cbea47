/** Log severities of the host's logger (`ss_plugin_log_severity`). */
export enum LogSeverity {
  /** A fatal condition (`SS_PLUGIN_LOG_SEV_FATAL`), the most severe. */
  Fatal = 1,
  /** A critical condition (`SS_PLUGIN_LOG_SEV_CRITICAL`). */
  Critical = 2,
  /** An error (`SS_PLUGIN_LOG_SEV_ERROR`); what `PluginLogger.error` writes. */
  Error = 3,
  /** A warning (`SS_PLUGIN_LOG_SEV_WARNING`); what `PluginLogger.warn` writes. */
  Warning = 4,
  /** A normal but significant condition (`SS_PLUGIN_LOG_SEV_NOTICE`). */
  Notice = 5,
  /** Information (`SS_PLUGIN_LOG_SEV_INFO`); what `PluginLogger.info` writes. */
  Info = 6,
  /** Debugging detail (`SS_PLUGIN_LOG_SEV_DEBUG`); what `PluginLogger.debug` writes. */
  Debug = 7,
  /** The finest detail, the least severe (`SS_PLUGIN_LOG_SEV_TRACE`); what `PluginLogger.trace` writes. */
  Trace = 8,
}

/** The name of a severity, as the host's log lines write it (`warning`, `info`, …). */
export type LogSeverityName =
  'fatal' | 'critical' | 'error' | 'warning' | 'notice' | 'info' | 'debug' | 'trace';

const SEVERITY_NAMES: readonly LogSeverityName[] = [
  'fatal',
  'critical',
  'error',
  'warning',
  'notice',
  'info',
  'debug',
  'trace',
];

/** The name of `severity` (`info` for a value outside the enum, as the host treats it). */
export function severityName(severity: LogSeverity): LogSeverityName {
  return SEVERITY_NAMES[severity - 1] ?? 'info';
}

/**
 * Where a plugin's log lines go: the host's logger inside Falco, stderr otherwise; in the harness, the
 * `log` option of `PluginHarness` (by default the harness collects them in `logs`).
 */
export type LogSink = (severity: LogSeverity, message: string) => void;

/** A plugin's logger; messages reach the host's logger (`log_fn`) with the plugin's name. */
export class PluginLogger {
  /** @internal */
  constructor(private sink: LogSink) {}

  /** @internal */
  setSink(sink: LogSink): void {
    this.sink = sink;
  }

  /** Logs at `severity`. */
  log(severity: LogSeverity, message: string): void {
    this.sink(severity, message);
  }

  /** Logs at `LogSeverity.Error`. */
  error(message: string): void {
    this.sink(LogSeverity.Error, message);
  }

  /** Logs at `LogSeverity.Warning`. */
  warn(message: string): void {
    this.sink(LogSeverity.Warning, message);
  }

  /** Logs at `LogSeverity.Info`. */
  info(message: string): void {
    this.sink(LogSeverity.Info, message);
  }

  /** Logs at `LogSeverity.Debug`. */
  debug(message: string): void {
    this.sink(LogSeverity.Debug, message);
  }

  /** Logs at `LogSeverity.Trace`. */
  trace(message: string): void {
    this.sink(LogSeverity.Trace, message);
  }
}

/** Writes `[severity] message` lines to stderr. */
export const stderrSink: LogSink = (severity, message) => {
  process.stderr.write(`[${LogSeverity[severity] ?? severity}] ${message}\n`);
};
