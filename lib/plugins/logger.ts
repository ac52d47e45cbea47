/** Log severities of the host's logger (`ss_plugin_log_severity`). */
export enum LogSeverity {
  Fatal = 1,
  Critical = 2,
  Error = 3,
  Warning = 4,
  Notice = 5,
  Info = 6,
  Debug = 7,
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

/** Where a plugin's log lines go: the host's logger inside Falco, stderr otherwise. */
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

  error(message: string): void {
    this.sink(LogSeverity.Error, message);
  }

  warn(message: string): void {
    this.sink(LogSeverity.Warning, message);
  }

  info(message: string): void {
    this.sink(LogSeverity.Info, message);
  }

  debug(message: string): void {
    this.sink(LogSeverity.Debug, message);
  }

  trace(message: string): void {
    this.sink(LogSeverity.Trace, message);
  }
}

/** Writes `[severity] message` lines to stderr. */
export const stderrSink: LogSink = (severity, message) => {
  process.stderr.write(`[${LogSeverity[severity] ?? severity}] ${message}\n`);
};
