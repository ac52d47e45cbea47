/**
 * Where metric values live: a buffer of `MAX_METRICS` float64 values the host reads in place (BufferKind
 * Metrics), so `get_metrics` never enters JavaScript; and the declarations (name, type, value type), told to
 * the host once per metric. The native layer implements the declarations in `native/plugin/src/metrics`, the
 * harness in `lib/testing/metrics-driver.ts`.
 */

/** How many metrics one plugin state may declare. */
export const MAX_METRICS = 64;

/** The host's metric type codes (`ss_plugin_metric_type`). */
export const MetricTypeCode = { monotonic: 0, gauge: 1 } as const;

/** The host's metric value type codes (`ss_plugin_metric_value_type`). */
export const MetricValueTypeCode = { uint32: 0, int32: 1, uint64: 2, int64: 3, double: 4 } as const;

/** The host side of a plugin state's metrics. */
export interface MetricsBackend {
  /** Declares metric `index` (its value is slot `index` of the Metrics buffer). */
  declare(index: number, name: string, type: number, valueType: number): void;
}
