/** Capture listening and routines (API 3.7) in the harness. */
import {
  BaseInstance,
  BasePlugin,
  CaptureListening,
  EOF,
  EventSourcing,
  FieldExtraction,
  field,
  registerPlugin,
  type CaptureListenContext,
  type EventBatch,
  type PluginInfo,
  type RoutineHandle,
  type RoutinePool,
} from 'falco-plugin-sdk';
import { PluginCallError, PluginHarness } from 'falco-plugin-sdk/testing';

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition not reached');
};

class Ticks extends BaseInstance {
  private sent = 0;
  nextBatch(batch: EventBatch) {
    if (this.sent++ < 3) batch.write('tick');
    return this.sent > 3 ? EOF : undefined;
  }
}

/** Counts routine runs; `behaviour` says how its routine ends and which callback throws. */
function watcher(
  behaviour: { stopAfter?: number; throwIn?: 'captureOpen' | 'captureClose' | 'routine' } = {},
) {
  class Watcher extends CaptureListening(FieldExtraction(EventSourcing(BasePlugin))) {
    runs = 0;
    calls: string[] = [];
    routine: RoutineHandle | undefined;
    pool: RoutinePool | undefined;
    info(): PluginInfo {
      return { name: 'watcher', id: 999, eventSource: 'w', description: 'd', contact: 'c', version: '0.1.0' };
    }
    open() {
      this.calls.push('open');
      return new Ticks();
    }
    captureOpen({ routines }: CaptureListenContext) {
      this.calls.push('captureOpen');
      if (behaviour.throwIn === 'captureOpen') throw new Error('no capture today');
      this.routine = routines.subscribe(() => {
        this.runs++;
        if (behaviour.throwIn === 'routine' && this.runs === 2) throw new Error('routine broke');
        return behaviour.stopAfter === undefined || this.runs < behaviour.stopAfter;
      });
    }
    captureClose({ routines }: CaptureListenContext) {
      this.calls.push('captureClose');
      if (behaviour.throwIn === 'captureClose') throw new Error('close refused');
      this.pool = routines;
    }
    fields() {
      return [field({ name: 'w.runs', type: 'uint64', desc: 'routine runs' }, () => this.runs)];
    }
  }
  return registerPlugin(Watcher);
}

type WatcherPlugin = BasePlugin & {
  runs: number;
  calls: string[];
  routine?: RoutineHandle;
  pool?: RoutinePool;
};
const pluginOf = (state: { symbols: { state: { plugin: unknown } } }) =>
  state.symbols.state.plugin as WatcherPlugin;

describe('capture listening', () => {
  it('runs a routine on the thread pool until the capture closes, then stops it', async () => {
    const state = await new PluginHarness(watcher()).init();
    state.captureOpen();
    await until(() => pluginOf(state).runs >= 5);
    expect(state.threadPool.active).toBe(1);
    state.captureClose();
    const runs = pluginOf(state).runs;
    expect(pluginOf(state).routine?.active).toBe(false);
    expect(state.threadPool.active).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(pluginOf(state).runs).toBe(runs);
    expect(() => pluginOf(state).pool?.subscribe(() => true)).toThrow(
      'routines are subscribed while the capture is open (from captureOpen)',
    );
    await state.destroy();
  });

  it('stops a routine that returns false, and one that throws, logging the error once', async () => {
    const stopping = await new PluginHarness(watcher({ stopAfter: 3 })).init();
    stopping.captureOpen();
    await until(() => stopping.threadPool.active === 0);
    expect(pluginOf(stopping).runs).toBe(3);
    stopping.captureClose();

    const harness = new PluginHarness(watcher({ throwIn: 'routine' }));
    const throwing = await harness.init();
    throwing.captureOpen();
    await until(() => throwing.threadPool.active === 0);
    expect(pluginOf(throwing).runs).toBe(2);
    expect(harness.logs).toEqual([
      { severity: 3, level: 'error', message: 'routine 1 stopped: routine broke' },
    ]);
    throwing.captureClose();
  });

  it('reports a throw in captureOpen or captureClose with the message', async () => {
    const open = await new PluginHarness(watcher({ throwIn: 'captureOpen' })).init();
    expect(() => open.captureOpen()).toThrow(
      new PluginCallError('capture_open', 'captureOpen failed: no capture today'),
    );
    const close = await new PluginHarness(watcher({ throwIn: 'captureClose' })).init();
    close.captureOpen();
    expect(() => close.captureClose()).toThrow('capture_close failed: captureClose failed: close refused');
    expect(close.threadPool.active).toBe(0);
  });

  it('opens and closes around a run, as libsinsp does, and destroy stops routines', async () => {
    const state = await new PluginHarness(watcher()).init();
    await state.run({ fields: ['w.runs'] });
    expect(pluginOf(state).calls).toEqual(['captureOpen', 'open', 'captureClose']);
    state.captureOpen();
    expect(state.threadPool.active).toBe(1);
    await state.destroy();
    expect(state.threadPool.active).toBe(0);
  });
});
