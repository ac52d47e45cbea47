import type { MetricsBackend } from '../capabilities/metrics/backend';
import { BufferKind } from '../symbols/exchange-layout';
import type { HarnessMemory } from './harness-memory';

/** A metric as the host publishes it (`get_metrics`, renamed `<plugin name>.<metric name>`). */
export interface PublishedMetric {
  /** The name as the host publishes it: `<plugin name>.<metric name>`. */
  readonly name: string;
  /** A counter that only grows (`monotonic`), or a value that goes up and down (`gauge`). */
  readonly type: 'monotonic' | 'gauge';
  /** The metric's value type, as declared. */
  readonly valueType: 'uint32' | 'int32' | 'uint64' | 'int64' | 'double';
  /** The value the host reads now. */
  readonly value: number;
}

const TYPES = ['monotonic', 'gauge'] as const;
const VALUE_TYPES = ['uint32', 'int32', 'uint64', 'int64', 'double'] as const;

/** The harness's side of `get_metrics`: the declarations, and the values read in place as the host does. */
export class MetricsDriver implements MetricsBackend {
  private readonly declared: { name: string; type: number; valueType: number }[] = [];

  constructor(
    private readonly plugin: string,
    private readonly memory: HarnessMemory,
  ) {}

  declare(index: number, name: string, type: number, valueType: number): void {
    this.declared[index] = { name, type, valueType };
  }

  /** What `get_metrics` returns now. */
  read(): PublishedMetric[] {
    if (this.declared.length === 0) return [];
    const values = new Float64Array(this.memory.get(BufferKind.Metrics));
    return this.declared.map((d, i) => ({
      name: `${this.plugin}.${d.name}`,
      type: TYPES[d.type],
      valueType: VALUE_TYPES[d.valueType],
      value: values[i],
    }));
  }
}
