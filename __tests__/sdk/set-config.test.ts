/** Config updates (plugin_set_config, API 3.4) in the harness. */
import { BasePlugin, FieldExtraction, field, registerPlugin, z, type PluginInfo } from 'falco-plugin-sdk';
import { PluginCallError, PluginHarness, pluginEvent } from 'falco-plugin-sdk/testing';

const Config = z.object({
  threshold: z.number().int().min(0).default(10),
  label: z.string().default('x'),
});
type Config = z.output<typeof Config>;

class Tunable extends FieldExtraction(BasePlugin) {
  override readonly initSchema = Config;
  override readonly strictInitSchema = true;
  config: Config = { threshold: 0, label: '' };
  info(): PluginInfo {
    return { name: 'tunable', description: 'd', contact: 'c', version: '0.1.0' };
  }
  override init(config: Config) {
    this.config = config;
  }
  setConfig(config: Config) {
    if (config.label === 'refuse') throw new Error('label "refuse" is reserved');
    this.config = config;
  }
  fields() {
    return [
      field({ name: 'tunable.threshold', type: 'uint64', desc: 'threshold' }, () => this.config.threshold),
      field({ name: 'tunable.label', type: 'string', desc: 'label' }, () => this.config.label),
    ];
  }
}

class Fixed extends FieldExtraction(BasePlugin) {
  info(): PluginInfo {
    return { name: 'fixed', description: 'd', contact: 'c', version: '0.1.0' };
  }
  fields() {
    return [field({ name: 'fixed.x', type: 'uint64', desc: 'x' }, () => 1n)];
  }
}

const event = pluginEvent('e');

describe('config updates', () => {
  it('delivers the new config parsed by initSchema, defaults applied', async () => {
    const state = await new PluginHarness(registerPlugin(Tunable)).init('{"threshold":3}');
    expect(state.extract(event, 'tunable.threshold')).toBe(3n);
    await state.setConfig('{"label":"y"}');
    expect(state.extract(event, 'tunable.threshold')).toBe(10n);
    expect(state.extract(event, 'tunable.label')).toBe('y');
    await state.destroy();
  });

  it('refuses a bad config with the key and the problem, and keeps the old one', async () => {
    const state = await new PluginHarness(registerPlugin(Tunable)).init('{"threshold":3}');
    const error = (await state.setConfig('{"threshold":-1}').catch((e: unknown) => e)) as PluginCallError;
    expect(error).toBeInstanceOf(PluginCallError);
    expect(error.call).toBe('set_config');
    expect(error.lastError).toContain('threshold');
    // the host validates against the JSON schema first; the SDK checks again with zod (refinements too)
    expect(state.symbols.config.setConfig('{"threshold":"many"}')).toBe(1);
    expect(state.symbols.getLastError()).toBe(
      'invalid config update: threshold: Expected number, received string',
    );
    expect(state.extract(event, 'tunable.threshold')).toBe(3n);
    await state.destroy();
  });

  it('reports the plugin refusing an update with its message, keeping the old config', async () => {
    const state = await new PluginHarness(registerPlugin(Tunable)).init('{"label":"a"}');
    await expect(state.setConfig('{"label":"refuse"}')).rejects.toThrow(
      'set_config failed: config update refused: label "refuse" is reserved',
    );
    expect(state.extract(event, 'tunable.label')).toBe('a');
    await state.destroy();
  });

  it('refuses updates for a plugin without setConfig', async () => {
    const state = await new PluginHarness(registerPlugin(Fixed)).init();
    await expect(state.setConfig('{}')).rejects.toThrow(
      'plugin fixed takes no config updates (it has no setConfig)',
    );
    await state.destroy();
  });
});
