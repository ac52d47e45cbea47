import { BufferKind } from '../../symbols/exchange-layout';
import type { HostMemory } from '../../symbols/host-memory';
import { MAX_METRICS, MetricTypeCode, MetricValueTypeCode, type MetricsBackend } from './backend';
import { ContractRangeError } from '../../sdk/errors';

/** What a metric counts. */
export interface MetricSpec {
  /** The name, unique in the plugin; the host publishes it as `<plugin name>.<name>`. */
  readonly name: string;
  /** `monotonic`: only grows (a counter); `gauge`: goes up and down. */
  readonly type: 'monotonic' | 'gauge';
  /** The value type the host reports (default `uint64`). Values are exact up to 2^53. */
  readonly valueType?: keyof typeof MetricValueTypeCode;
  /** A unit, appended to the name as Falco's metrics do (`bytes` → `<name>_bytes`), unless already there. */
  readonly unit?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** One metric: the plugin updates it from anywhere; the host reads the value without calling JavaScript. */
export class Metric {
  /** @internal */
  constructor(
    /** The name the plugin gave it, unit included. */
    readonly name: string,
    private values: Float64Array,
    private readonly index: number,
    private readonly integer: boolean,
    private readonly unsigned: boolean,
  ) {}

  /** The current value. */
  get value(): number {
    return this.values[this.index];
  }

  /** Sets the value (a gauge). Integer metrics round toward zero; unsigned ones stop at 0. */
  set(value: number | bigint): void {
    let v = Number(value);
    if (!Number.isFinite(v))
      throw new ContractRangeError(`metric ${this.name}: ${String(value)} is not a finite number`);
    if (this.integer) v = Math.trunc(v);
    if (this.unsigned && v < 0) v = 0;
    this.values[this.index] = v;
  }

  /** Adds to the value (default 1). */
  add(delta: number | bigint = 1): void {
    this.set(this.values[this.index] + Number(delta));
  }

  /** @internal */
  rebind(values: Float64Array): void {
    values[this.index] = this.values[this.index];
    this.values = values;
  }
}

/**
 * A plugin's metrics (`this.metrics`, API 3.6): declared once (in a field initializer or in `init`), updated
 * from anywhere. Their values live in memory the host reads in place: `get_metrics` costs the plugin nothing.
 *
 * @example
 * private readonly parsed = this.metrics.define({ name: 'events_parsed', type: 'monotonic' });
 * parseEvent() { this.parsed.add(); }
 */
export class PluginMetrics {
  private values = new Float64Array(MAX_METRICS);
  private readonly declared: { metric: Metric; type: number; valueType: number }[] = [];
  private backend: MetricsBackend | undefined;

  /**
   * Declares a metric; declaring the same name and types again returns the same metric.
   *
   * @throws Error for a bad name, a name declared with other types, or more than `MAX_METRICS` metrics.
   */
  define(spec: MetricSpec): Metric {
    const name = spec.unit && !spec.name.endsWith(`_${spec.unit}`) ? `${spec.name}_${spec.unit}` : spec.name;
    if (!NAME.test(name)) throw new Error(`metric name "${name}" must be letters, digits, '_' and '.'`);
    const valueType = spec.valueType ?? 'uint64';
    const typeCode = MetricTypeCode[spec.type];
    const valueCode = MetricValueTypeCode[valueType];
    if (typeCode === undefined) throw new Error(`metric ${name}: type must be monotonic or gauge`);
    if (valueCode === undefined) throw new Error(`metric ${name}: unknown value type ${String(valueType)}`);
    const existing = this.declared.find((d) => d.metric.name === name);
    if (existing !== undefined) {
      if (existing.type === typeCode && existing.valueType === valueCode) return existing.metric;
      throw new Error(`metric ${name} is already declared with another type`);
    }
    if (this.declared.length >= MAX_METRICS)
      throw new Error(`a plugin declares at most ${MAX_METRICS} metrics`);
    const metric = new Metric(
      name,
      this.values,
      this.declared.length,
      valueType !== 'double',
      valueType === 'uint32' || valueType === 'uint64',
    );
    this.declared.push({ metric, type: typeCode, valueType: valueCode });
    this.backend?.declare(this.declared.length - 1, name, typeCode, valueCode);
    return metric;
  }

  /** The declared metrics, in declaration order. */
  get all(): readonly Metric[] {
    return this.declared.map((d) => d.metric);
  }

  /** @internal Connects the metrics to the host: the values move into memory the host adopts. */
  attach(memory: HostMemory, backend: MetricsBackend | undefined): void {
    const values = new Float64Array(MAX_METRICS);
    for (const { metric } of this.declared) metric.rebind(values);
    this.values = values;
    memory.adopt(BufferKind.Metrics, 0, values.buffer as ArrayBuffer);
    this.backend = backend;
    this.declared.forEach((d, i) => backend?.declare(i, d.metric.name, d.type, d.valueType));
  }
}
