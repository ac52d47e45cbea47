/** Plugin metrics (get_metrics, API 3.6) in the harness. */
import {
  BasePlugin,
  FieldExtraction,
  MAX_METRICS,
  field,
  registerPlugin,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { PluginHarness, pluginEvent } from 'falco-plugin-sdk/testing';

class Counting extends FieldExtraction(BasePlugin) {
  readonly extracted = this.metrics.define({ name: 'extractions', type: 'monotonic' });
  readonly level = this.metrics.define({ name: 'level', type: 'gauge', valueType: 'int64' });
  readonly ratio = this.metrics.define({ name: 'ratio', type: 'gauge', valueType: 'double' });
  info(): PluginInfo {
    return { name: 'counting', description: 'd', contact: 'c', version: '0.1.0' };
  }
  override init() {
    this.metrics.define({ name: 'queue', type: 'gauge', unit: 'bytes' }).set(512);
  }
  fields() {
    return [
      field({ name: 'counting.x', type: 'uint64', desc: 'x' }, () => {
        this.extracted.add();
        this.level.add(-2);
        this.ratio.set(this.extracted.value / 4);
        return 1n;
      }),
    ];
  }
}

describe('metrics', () => {
  it('publishes the declared metrics as <plugin>.<name>, with the values the plugin set', async () => {
    const state = await new PluginHarness(registerPlugin(Counting)).init();
    expect(state.metrics().map((m) => [m.name, m.value])).toEqual([
      ['counting.extractions', 0],
      ['counting.level', 0],
      ['counting.ratio', 0],
      ['counting.queue_bytes', 512],
    ]);
    for (let i = 0; i < 3; i++) state.extract(pluginEvent('e'), 'counting.x');
    expect(state.metrics()).toEqual([
      { name: 'counting.extractions', type: 'monotonic', valueType: 'uint64', value: 3 },
      { name: 'counting.level', type: 'gauge', valueType: 'int64', value: -6 },
      { name: 'counting.ratio', type: 'gauge', valueType: 'double', value: 0.75 },
      { name: 'counting.queue_bytes', type: 'gauge', valueType: 'uint64', value: 512 },
    ]);
    await state.destroy();
  });

  it('rejects bad names, a name redeclared with other types, and too many metrics', () => {
    const metrics = new Counting().metrics;
    expect(() => metrics.define({ name: 'bad name', type: 'gauge' })).toThrow(
      "metric name \"bad name\" must be letters, digits, '_' and '.'",
    );
    expect(metrics.define({ name: 'extractions', type: 'monotonic' })).toBe(metrics.all[0]);
    expect(() => metrics.define({ name: 'extractions', type: 'gauge' })).toThrow(
      'metric extractions is already declared with another type',
    );
    for (let i = metrics.all.length; i < MAX_METRICS; i++) metrics.define({ name: `m${i}`, type: 'gauge' });
    expect(() => metrics.define({ name: 'one_more', type: 'gauge' })).toThrow(
      'a plugin declares at most 64 metrics',
    );
  });

  it('keeps unsigned and integer values in range', () => {
    const metrics = new Counting().metrics;
    const counter = metrics.define({ name: 'c', type: 'monotonic', valueType: 'uint32' });
    counter.set(-5);
    expect(counter.value).toBe(0);
    counter.set(7.9);
    expect(counter.value).toBe(7);
    expect(() => counter.set(Number.NaN)).toThrow('metric c: NaN is not a finite number');
  });
});
