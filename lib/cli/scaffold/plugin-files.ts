/** The plugin and its test that `falco-plugin init` writes. */

/** `src/plugin.ts`: a source + extraction plugin counting up. */
export function pluginSource(name: string): string {
  const className = name.replace(/(^|_)([a-z0-9])/g, (_, _sep: string, c: string) => c.toUpperCase());
  return `import {
  BaseInstance,
  BasePlugin,
  EOF,
  EventSourcing,
  FieldExtraction,
  fieldsWithContext,
  registerPlugin,
  z,
} from 'falco-plugin-sdk';
import type { EventBatch, EventReader, PluginInfo } from 'falco-plugin-sdk';

/** The init config (init_config in falco.yaml); its JSON Schema is generated for the host. */
const Config = z.object({
  step: z.number().int().min(1).default(1).describe('How much each event adds to the counter'),
});

/** The open params (open_params in falco.yaml). */
const OpenParams = z.object({
  start: z.number().int().min(0).default(0).describe('The value before the first event'),
  maxEvents: z.number().int().min(0).default(20).describe('How many events before the end of the capture'),
});

/** An open capture: writes the counter's values, then ends. */
class Counter extends BaseInstance {
  constructor(
    private value: number,
    private readonly step: number,
    private left: number,
  ) {
    super({ batchSize: 128 });
  }

  nextBatch(batch: EventBatch) {
    while (!batch.full && this.left > 0) {
      this.value += this.step;
      batch.write(String(this.value));
      this.left--;
    }
    return this.left === 0 ? EOF : undefined;
  }
}

/** Fields get the event's value, parsed once per event by eventContext. */
const field = fieldsWithContext<number>();

class ${className}Plugin extends FieldExtraction(EventSourcing(BasePlugin)) {
  override readonly initSchema = Config;
  override readonly openParamsSchema = OpenParams;
  private step = 1;

  info(): PluginInfo {
    return {
      id: 999, // the plugin registry's id for development; register your own before publishing
      name: '${name}',
      description: 'Counts up, one event per value',
      contact: 'you@example.com',
      version: '0.1.0',
      eventSource: '${name}',
    };
  }

  override init(config: z.output<typeof Config>) {
    this.step = config.step;
  }

  open(params: z.output<typeof OpenParams>) {
    return new Counter(params.start, this.step, params.maxEvents);
  }

  override eventContext(event: EventReader) {
    return Number(event.text());
  }

  fields() {
    return [
      field(
        { name: '${name}.value', type: 'uint64', desc: 'The counter value of the event' },
        (req) => req.context,
      ),
      field(
        {
          name: '${name}.divisible',
          type: 'uint64',
          desc: '1 if the value is divisible by the argument, else 0',
          arg: { isRequired: true, isIndex: true },
        },
        (req) => {
          if (req.argIndex === 0) throw new Error('the divisor must be greater than 0');
          return req.context % req.argIndex === 0 ? 1 : 0;
        },
      ),
    ];
  }

  eventToString(event: EventReader) {
    return \`{"value": \${event.text()}}\`;
  }
}

export default registerPlugin(${className}Plugin);
`;
}

/** `test/plugin.test.ts`: the plugin in the in-process harness, driven the way libsinsp does. */
export function pluginTest(name: string): string {
  return `import { PluginHarness } from 'falco-plugin-sdk/testing';
import plugin from '../src/plugin';

describe('${name}', () => {
  it('counts from start + step, and ends after maxEvents', async () => {
    const state = await new PluginHarness(plugin).init('{"step":1}');
    const rows = await state.run({
      open: '{"start":0,"maxEvents":10}',
      fields: ['${name}.value', '${name}.divisible[3]'],
    });
    await state.destroy();
    expect(rows.map((r) => r.fields['${name}.value'])).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    const divisible = rows.filter((r) => r.fields['${name}.divisible[3]'] === 1n);
    expect(divisible.map((r) => r.fields['${name}.value'])).toEqual([3n, 6n, 9n]);
  });

  it('rejects a bad config with the key and the problem', async () => {
    await expect(new PluginHarness(plugin).init('{"step":0}')).rejects.toThrow(/step/);
  });
});
`;
}
