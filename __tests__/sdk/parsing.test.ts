import {
  BaseInstance,
  BasePlugin,
  EOF,
  EventParsing,
  EventSourcing,
  FieldExtraction,
  field,
  PLUGIN_EVENT_TYPE,
  registerPlugin,
  type EventBatch,
  type EventReader,
  type ParseContext,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { PluginCallError, PluginHarness } from 'falco-plugin-sdk/testing';

class Letters extends BaseInstance {
  private sent = 0;
  constructor(private readonly text: string) {
    super();
  }
  nextBatch(batch: EventBatch) {
    while (!batch.full && this.sent < this.text.length) batch.write(this.text[this.sent++]);
    return this.sent >= this.text.length ? EOF : undefined;
  }
}

/** Counts the events of each letter in parseEvent; `letters.seen` is how many of this letter so far. */
function counterPlugin(behaviour: { throwOn?: string; promise?: boolean; info?: Partial<PluginInfo> } = {}) {
  class Counter extends EventParsing(FieldExtraction(EventSourcing(BasePlugin))) {
    readonly counts = new Map<string, number>();
    readonly sources: string[] = [];
    info(): PluginInfo {
      return {
        id: 999,
        name: 'counter',
        description: 'd',
        contact: 'c',
        version: '0.1.0',
        eventSource: 'letters',
        ...behaviour.info,
      };
    }
    open(params: string) {
      return new Letters(params);
    }
    parseEvent(event: EventReader, context: ParseContext): void {
      const letter = event.text();
      this.sources.push(context.source);
      if (letter === behaviour.throwOn) throw new Error(`no ${letter} here`);
      this.counts.set(letter, (this.counts.get(letter) ?? 0) + 1);
      if (behaviour.promise) return Promise.resolve() as unknown as void;
    }
    fields() {
      return [
        field({ name: 'letters.seen', type: 'uint64', desc: 'events of this letter so far' }, (req) =>
          this.counts.get(req.event.text()),
        ),
      ];
    }
  }
  return { plugin: registerPlugin(Counter), Counter };
}

describe('event parsing', () => {
  it('parses every event before its fields are extracted, keeping state across events', async () => {
    const state = await new PluginHarness(counterPlugin().plugin).init();
    const rows = await state.run({ open: 'abacab', fields: ['letters.seen'] });
    expect(rows.map((r) => r.fields['letters.seen'])).toEqual([1n, 1n, 2n, 1n, 3n, 2n]);
    await state.destroy();
  });

  it('exports what the host reads: sources and types, sorted and unique', () => {
    const { plugin } = counterPlugin({
      info: { parseEventSources: ['letters', 'syscall'], parseEventTypes: [322, 3, 322] },
    });
    expect(plugin.capabilities).toEqual({
      sourcing: true,
      extraction: true,
      parsing: true,
      listening: false,
      async: false,
    });
    expect(plugin.parseEventSourcesJson).toBe('["letters","syscall"]');
    expect(plugin.parseEventTypes).toEqual([3, 322]);
    expect(counterPlugin().plugin.parseEventSourcesJson).toBe('[]');
  });

  it('hands the event source to the parser', async () => {
    const { plugin } = counterPlugin({ info: { parseEventSources: ['letters', 'other'] } });
    const state = await new PluginHarness(plugin).init();
    const capture = await state.open('ab');
    const { events } = await capture.nextBatch();
    state.parse(events[0], 'other');
    state.parse(events[1]);
    state.parse(events[0], 'other');
    expect(state.extract(events[0], 'letters.seen')).toBe(2n);
    const parser = state.symbols.state.plugin as unknown as { sources: string[] };
    expect(parser.sources).toEqual(['other', 'letters', 'other']);
    await state.destroy();
  });

  it('only parses the declared sources and types', async () => {
    const { plugin } = counterPlugin({ info: { parseEventTypes: [PLUGIN_EVENT_TYPE + 1] } });
    const state = await new PluginHarness(plugin).init();
    const rows = await state.run({ open: 'aa', fields: ['letters.seen'] });
    expect(rows.map((r) => r.fields['letters.seen'])).toEqual([undefined, undefined]);
    const capture = await state.open('a');
    const { events } = await capture.nextBatch();
    expect(() => state.parse(events[0])).toThrow('the host does not hand event');
    expect(() => state.parse(events[0], 'syscall')).toThrow('of source "syscall"');
    await state.destroy();
  });

  it('fails the call of the event whose parse throws, names it, and goes on', async () => {
    const state = await new PluginHarness(counterPlugin({ throwOn: 'b' }).plugin).init();
    const capture = await state.open('abc');
    const { events } = await capture.nextBatch();
    state.parse(events[0]);
    expect(() => state.parse(events[1])).toThrow(
      new PluginCallError('parse_event', `cannot parse event ${events[1].number}: no b here`),
    );
    state.parse(events[2]);
    expect(state.extract(events[2], 'letters.seen')).toBe(1n);
    await state.destroy();
  });

  it('fails a parseEvent that returns a Promise', async () => {
    const state = await new PluginHarness(counterPlugin({ promise: true }).plugin).init();
    const capture = await state.open('a');
    const { events } = await capture.nextBatch();
    expect(() => state.parse(events[0])).toThrow(
      'parseEvent must return synchronously, it returned a Promise',
    );
    await state.destroy();
  });

  it('rejects parse sources and types that are malformed or without EventParsing', () => {
    expect(() => counterPlugin({ info: { parseEventTypes: [70000] } })).toThrow(
      'parseEventTypes must be an array of event type codes (integers from 0 to 65535)',
    );
    expect(() => counterPlugin({ info: { parseEventSources: [''] } })).toThrow(
      'parseEventSources must be an array of non-empty strings',
    );
    class NotAParser extends FieldExtraction(BasePlugin) {
      info(): PluginInfo {
        return { name: 'np', description: 'd', contact: 'c', version: '0.1.0', parseEventTypes: [3] };
      }
      fields() {
        return [field({ name: 'np.x', type: 'uint64', desc: 'x' }, () => 1)];
      }
    }
    expect(() => registerPlugin(NotAParser)).toThrow(
      'parseEventSources and parseEventTypes are only for plugins with EventParsing',
    );
  });
});
