/** Async events and dump_state in the harness, as libsinsp drives them. */
import {
  AsyncEvents,
  BasePlugin,
  EventParsing,
  registerPlugin,
  type AsyncEventEmitter,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { PluginCallError, PluginHarness } from 'falco-plugin-sdk/testing';

const identity = { description: 'Emits async events', contact: 'test', version: '0.1.0' };

/** A producer whose emitter stays reachable; `throwIn` picks a callback that fails. */
function producer(options: { throwIn?: 'startAsync' | 'stopAsync' | 'dumpState'; dump?: boolean } = {}) {
  class Producer extends AsyncEvents(EventParsing(BasePlugin)) {
    emitter: AsyncEventEmitter | undefined;
    calls: string[] = [];
    info(): PluginInfo {
      return { name: 'producer', ...identity, asyncEvents: ['meta', 'gone'], asyncEventSources: ['syscall'] };
    }
    startAsync(emitter: AsyncEventEmitter) {
      this.calls.push('startAsync');
      if (options.throwIn === 'startAsync') throw new Error('cannot connect');
      this.emitter = emitter;
      emitter.emit('meta', 'started');
    }
    stopAsync() {
      this.calls.push('stopAsync');
      this.emitter?.emit('gone', new Uint8Array([1, 2, 3]));
      if (options.throwIn === 'stopAsync') throw new Error('stuck');
    }
    parseEvent() {}
  }
  class Dumper extends Producer {
    dumpState(emitter: AsyncEventEmitter) {
      emitter.emit('meta', 'snapshot-1');
      emitter.emit('meta', 'snapshot-2');
      if (options.throwIn === 'dumpState') throw new Error('half written');
    }
  }
  return registerPlugin(options.dump ? Dumper : Producer);
}

const received = (events: { name: string; text: string; dump: boolean }[]) =>
  events.map((e) => `${e.dump ? 'dump ' : ''}${e.name}:${e.text}`);

describe('async events in the harness', () => {
  it('registers the names and sources the host reads, and the API version dumpState needs', () => {
    expect(producer().capabilities.async).toBe(true);
    expect(JSON.parse(producer().asyncEventsJson)).toEqual(['meta', 'gone']);
    expect(JSON.parse(producer().asyncEventSourcesJson)).toEqual(['syscall']);
    expect(producer().info.requiredApiVersion).toBe('3.5.0');
    expect(producer({ dump: true }).info.requiredApiVersion).toBe('3.10.0');
  });

  it('starts with the handler, emits from anywhere until stopAsync, and refuses events after it', async () => {
    const state = await new PluginHarness(producer()).init();
    state.setAsyncHandler(true);
    const plugin = state.symbols.state.plugin as unknown as { emitter: AsyncEventEmitter; calls: string[] };
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        plugin.emitter.emit('meta', 'from a timer');
        resolve();
      }, 1),
    );
    expect(plugin.emitter.live).toBe(true);
    state.setAsyncHandler(false);
    expect(received(state.asyncEvents())).toEqual([
      'meta:started',
      'meta:from a timer',
      'gone:\u0001\u0002\u0003',
    ]);
    expect(plugin.emitter.live).toBe(false);
    expect(() => plugin.emitter.emit('meta', 'late')).toThrow(
      'cannot emit async event "meta": the async events are stopped (stopAsync was called)',
    );
    expect(plugin.calls).toEqual(['startAsync', 'stopAsync']);
    await state.destroy();
  });

  it('refuses an undeclared name and data of another type, naming what is allowed', async () => {
    const state = await new PluginHarness(producer()).init();
    state.setAsyncHandler(true);
    const { emitter } = state.symbols.state.plugin as unknown as { emitter: AsyncEventEmitter };
    expect(() => emitter.emit('other', 'x')).toThrow(
      'cannot emit async event "other": the plugin declares only "meta", "gone" in asyncEvents',
    );
    expect(() => emitter.emit('meta', 42 as unknown as string)).toThrow(
      'cannot emit async event "meta": its data must be a Uint8Array or a string',
    );
    await state.destroy();
  });

  it('a second handler without NULL first is refused, as libsinsp does', async () => {
    const state = await new PluginHarness(producer()).init();
    state.setAsyncHandler(true);
    expect(() => state.setAsyncHandler(true)).toThrow(
      new PluginCallError(
        'set_async_event_handler',
        'must reset the async event handler before setting a new one',
      ),
    );
    state.setAsyncHandler(false);
    state.setAsyncHandler(true);
    expect(received(state.asyncEvents())).toEqual([
      'meta:started',
      'gone:\u0001\u0002\u0003',
      'meta:started',
    ]);
    await state.destroy();
  });

  it('a throw in startAsync fails the call and leaves the events stopped', async () => {
    const state = await new PluginHarness(producer({ throwIn: 'startAsync' })).init();
    expect(() => state.setAsyncHandler(true)).toThrow('startAsync failed: cannot connect');
    state.setAsyncHandler(false);
    expect(state.asyncEvents()).toEqual([]);
    await state.destroy();
  });

  it('a throw in stopAsync fails the call, and no event gets through after it', async () => {
    const state = await new PluginHarness(producer({ throwIn: 'stopAsync' })).init();
    state.setAsyncHandler(true);
    const { emitter } = state.symbols.state.plugin as unknown as { emitter: AsyncEventEmitter };
    expect(() => state.setAsyncHandler(false)).toThrow('stopAsync failed: stuck');
    expect(emitter.live).toBe(false);
    await state.destroy();
  });

  it('dumpState writes the state through an emitter live only during the call', async () => {
    const state = await new PluginHarness(producer({ dump: true })).init();
    expect(received(state.dumpState())).toEqual(['dump meta:snapshot-1', 'dump meta:snapshot-2']);
    const failing = await new PluginHarness(producer({ dump: true, throwIn: 'dumpState' })).init();
    expect(() => failing.dumpState()).toThrow(
      "dump error for plugin 'producer' : dumpState failed: half written",
    );
    await state.destroy();
    await failing.destroy();
  });

  it('destroy stops events still started', async () => {
    const state = await new PluginHarness(producer()).init();
    state.setAsyncHandler(true);
    const plugin = state.symbols.state.plugin as unknown as { emitter: AsyncEventEmitter; calls: string[] };
    await state.destroy();
    expect(plugin.calls).toEqual(['startAsync', 'stopAsync']);
    expect(plugin.emitter.live).toBe(false);
  });

  it('refuses info without async event names, or with names declared twice', () => {
    class NoNames extends AsyncEvents(EventParsing(BasePlugin)) {
      info(): PluginInfo {
        return { name: 'nonames', ...identity };
      }
      startAsync() {}
      stopAsync() {}
      parseEvent() {}
    }
    expect(() => registerPlugin(NoNames)).toThrow(
      'asyncEvents must list the names of the async events the plugin emits',
    );
    class Twice extends NoNames {
      override info(): PluginInfo {
        return { name: 'twice', ...identity, asyncEvents: ['a', 'b', 'a'] };
      }
    }
    expect(() => registerPlugin(Twice)).toThrow('async event names are declared twice: a');
  });
});
