import {
  BaseInstance,
  BasePlugin,
  EOF,
  EventSourcing,
  FieldExtraction,
  field,
  registerPlugin,
  z,
  type EventBatch,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { PluginHarness } from 'falco-plugin-sdk/testing';
import { ReturnCode } from '../../lib/symbols/return-codes';
import { LogSeverity } from 'falco-plugin-sdk';

class Counter extends BaseInstance {
  produced = 0;
  constructor(
    private readonly total: number,
    private readonly onClose: () => void,
  ) {
    super();
  }
  async nextBatch(batch: EventBatch) {
    await Promise.resolve();
    batch.write(String(++this.produced));
    return this.produced >= this.total ? EOF : undefined;
  }
  progress() {
    return { value: this.produced / this.total };
  }
  override close() {
    this.onClose();
  }
}

const Config = z.object({
  total: z.number().int().positive().default(4),
  failInit: z.boolean().default(false),
});

function lifecyclePlugin(log: string[]) {
  class Lifecycle extends FieldExtraction(EventSourcing(BasePlugin)) {
    override readonly initSchema = Config;
    override readonly strictInitSchema = true;
    private total = 0;
    info(): PluginInfo {
      return {
        id: 999,
        name: 'lifecycle',
        description: 'd',
        contact: 'c',
        version: '1.0.0',
        eventSource: 'lc',
      };
    }
    override async init(config: z.output<typeof Config>) {
      await Promise.resolve();
      if (config.failInit) throw new Error('refusing to start');
      this.total = config.total;
      this.logger.info(`started with ${config.total}`);
      log.push('init');
    }
    async open(params: string) {
      log.push(`open ${params}`);
      return new Counter(this.total, () => log.push('close'));
    }
    openParams() {
      return [
        { value: 'a', desc: 'first' },
        { value: 'b', separator: ';' },
      ];
    }
    destroy() {
      log.push('destroy');
    }
    fields() {
      return [field({ name: 'lc.n', type: 'uint64', desc: 'd' }, (req) => Number(req.event.text()))];
    }
  }
  return registerPlugin(Lifecycle);
}

describe('symbols layer and harness lifecycle', () => {
  it('drives init, open, next_batch, progress, extraction, close and destroy in order', async () => {
    const log: string[] = [];
    const harness = new PluginHarness(lifecyclePlugin(log));
    const state = await harness.init('{"total":3}');
    expect(harness.logs).toEqual([{ severity: LogSeverity.Info, level: 'info', message: 'started with 3' }]);
    expect(await state.listOpenParams()).toEqual([
      { value: 'a', desc: 'first', separator: '' },
      { value: 'b', desc: '', separator: ';' },
    ]);
    const capture = await state.open('p1');
    expect(capture.progress()).toEqual({ value: 0, detail: '0.00%' });
    const values = [];
    for await (const e of capture.events()) {
      values.push(state.extract(e, 'lc.n'));
      if (e.number === 2) expect(capture.progress()).toEqual({ value: 0.6667, detail: '66.67%' });
    }
    expect(values).toEqual([1n, 2n, 3n]);
    await capture.close();
    await state.destroy();
    expect(log).toEqual(['init', 'open p1', 'close', 'destroy']);
  });

  it('closes instances still open at destroy', async () => {
    const log: string[] = [];
    const state = await new PluginHarness(lifecyclePlugin(log)).init();
    await state.open('x');
    await state.destroy();
    expect(log).toEqual(['init', 'open x', 'close', 'destroy']);
  });

  it('reports init failures through get_last_error', async () => {
    const harness = new PluginHarness(lifecyclePlugin([]));
    await expect(harness.init('{"failInit":true}')).rejects.toThrow('init failed: refusing to start');
    await expect(harness.init('{"total":0}')).rejects.toThrow(
      'init failed: error in plugin lifecycle init config: In <root>[total], must be > 0',
    );
    await expect(harness.init('{"other":1}')).rejects.toThrow('must NOT have additional properties');
    await expect(harness.init('{')).rejects.toThrow(
      'error in plugin lifecycle: init config is not a valid json',
    );
  });

  it('turns every error into a return code plus the last error, and keeps working', async () => {
    const state = await new PluginHarness(lifecyclePlugin([])).init();
    const symbols = state.symbols;
    expect(symbols.requireSourcing().nextBatch(12345)).toBe(ReturnCode.Failure);
    expect(symbols.getLastError()).toBe('next_batch on unknown instance 12345');
    const capture = await state.open();
    expect((await capture.nextBatch()).rc).toBe(ReturnCode.Success);
    await state.destroy();
  });

  it('returns the exact strings of the C API', () => {
    const reg = lifecyclePlugin([]);
    expect(reg.fieldsJson).toBe('[{"name":"lc.n","type":"uint64","desc":"d"}]');
    expect(JSON.parse(reg.initSchemaJson)).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        total: { type: 'integer', exclusiveMinimum: 0, default: 4 },
        failInit: { type: 'boolean', default: false },
      },
      additionalProperties: false,
    });
  });
});
