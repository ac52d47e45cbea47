/** this.config from BasePlugin.withConfig, and the open params' strictOpenParams. */
import {
  BaseInstance,
  BasePlugin,
  EOF,
  EventSourcing,
  FieldExtraction,
  field,
  registerPlugin,
  z,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { PluginCallError, PluginHarness } from 'falco-plugin-sdk/testing';

const identity = { description: 'd', contact: 'c', version: '0.1.0' };

// a required key, without default: parsing {} at construction would throw
const Config = z.object({ threshold: z.number().int(), label: z.string().default('x') });

class Tunable extends FieldExtraction(BasePlugin.withConfig(Config)) {
  seenAtInit: unknown;
  info(): PluginInfo {
    return { name: 'tunable', ...identity, extractEventSources: ['s'] };
  }
  override init() {
    this.seenAtInit = { ...this.config };
  }
  setConfig(config: z.output<typeof Config>) {
    if (config.threshold > 1000) throw new Error('threshold above 1000');
  }
  fields() {
    return [field({ name: 't.threshold', type: 'uint64', desc: 'd' }, () => this.config.threshold)];
  }
}

describe('BasePlugin.withConfig', () => {
  it('sets the schema, and this.config before init, parsed with defaults', async () => {
    const plugin = registerPlugin(Tunable);
    expect(JSON.parse(plugin.initSchemaJson)).toMatchObject({ required: ['threshold'] });
    const state = await new PluginHarness(plugin).init('{"threshold":5}');
    const tunable = state.symbols.state.plugin as Tunable;
    expect(tunable.seenAtInit).toEqual({ threshold: 5, label: 'x' });
    expect(tunable.config).toEqual({ threshold: 5, label: 'x' });
    await state.destroy();
  });

  it('replaces this.config with each update setConfig accepts, and keeps it when one is refused', async () => {
    const state = await new PluginHarness(registerPlugin(Tunable)).init('{"threshold":5}');
    const tunable = state.symbols.state.plugin as Tunable;
    await state.setConfig('{"threshold":7,"label":"y"}');
    expect(tunable.config).toEqual({ threshold: 7, label: 'y' });
    await expect(state.setConfig('{"threshold":5000}')).rejects.toThrow(
      new PluginCallError('set_config', 'config update refused: threshold above 1000'),
    );
    expect(tunable.config).toEqual({ threshold: 7, label: 'y' });
    await state.destroy();
  });

  it('refuses a config without the required key, naming it', async () => {
    await expect(new PluginHarness(registerPlugin(Tunable)).init('{}')).rejects.toThrow('threshold');
  });
});

describe('strictOpenParams', () => {
  const OpenParams = z.object({ count: z.number().int().default(1) });
  function source(strict: boolean) {
    class Counted extends BaseInstance {
      nextBatch() {
        return EOF;
      }
    }
    class Source extends EventSourcing(BasePlugin) {
      override readonly openParamsSchema = OpenParams;
      override readonly strictOpenParams = strict;
      opened: unknown;
      info(): PluginInfo {
        return { id: 999, name: 'src', ...identity, eventSource: 'src' };
      }
      open(params: z.output<typeof OpenParams>) {
        this.opened = params;
        return new Counted();
      }
    }
    return registerPlugin(Source);
  }

  it('allows undeclared keys by default, and refuses them when strict, naming the key', async () => {
    const loose = await new PluginHarness(source(false)).init();
    await (await loose.open('{"count":2,"extra":true}')).close();
    expect((loose.symbols.state.plugin as unknown as { opened: unknown }).opened).toEqual({ count: 2 });
    const strict = await new PluginHarness(source(true)).init();
    await expect(strict.open('{"count":2,"extra":true}')).rejects.toThrow(
      "invalid open params: (root): Unrecognized key(s) in object: 'extra'",
    );
    await (await strict.open('')).close();
    await loose.destroy();
    await strict.destroy();
  });
});
