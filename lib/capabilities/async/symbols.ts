import type { BasePlugin } from '../../plugins/base-plugin';
import { errorMessage, ContractTypeError } from '../../sdk/errors';
import { ReturnCode } from '../../symbols/return-codes';
import { isUnawaitedPromise } from '../../symbols/settle';
import type { SharedState } from '../../symbols/shared-state';
import type { AsyncBackend } from './backend';
import type { AsyncEventEmitter, AsyncEventSource, DumpState } from './interfaces';

/** An emitter live until `close`; `closed` says why it refuses events from then on. */
class Emitter implements AsyncEventEmitter {
  private open = true;

  constructor(
    private readonly names: ReadonlySet<string>,
    private readonly send: (name: string, data: Uint8Array) => void,
    private readonly closed: string,
  ) {}

  get live(): boolean {
    return this.open;
  }

  close(): void {
    this.open = false;
  }

  emit(name: string, data: Uint8Array | string): void {
    const refuse = (why: string): never => {
      throw new Error(`cannot emit async event ${JSON.stringify(name)}: ${why}`);
    };
    if (!this.open) refuse(this.closed);
    if (typeof name !== 'string' || !this.names.has(name))
      refuse(
        `the plugin declares only ${[...this.names].map((n) => JSON.stringify(n)).join(', ')} in asyncEvents`,
      );
    let bytes: Uint8Array;
    if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
    else if (data instanceof Uint8Array) bytes = data;
    else return refuse('its data must be a Uint8Array or a string');
    this.send(name, bytes);
  }
}

/**
 * The async event symbols of one plugin state: `set_async_event_handler`, which starts and stops the
 * plugin's production of events, and `dump_state`.
 */
export class AsyncSymbols {
  private readonly names: ReadonlySet<string>;
  private emitter: Emitter | undefined;

  constructor(
    private readonly state: SharedState,
    private readonly backend: AsyncBackend | undefined,
  ) {
    this.names = new Set(JSON.parse(state.registration.asyncEventsJson) as string[]);
  }

  /** Whether the plugin's async events are started (a handler is installed). */
  get started(): boolean {
    return this.emitter !== undefined;
  }

  /** `plugin_set_async_event_handler`: a handler starts the events (`startAsync`), NULL stops them. */
  setHandler(installed: boolean): ReturnCode {
    return installed ? this.start() : this.stop();
  }

  /** `plugin_dump_state`: the plugin's `dumpState`, with an emitter live during the call. */
  dumpState(): ReturnCode {
    const emitter = this.createEmitter(true, 'dumpState has returned');
    try {
      const plugin = this.state.requirePlugin();
      const dumper = plugin as BasePlugin & Partial<DumpState>;
      if (typeof dumper.dumpState !== 'function') return ReturnCode.Success;
      this.synchronously('dumpState', dumper.dumpState(emitter));
      return ReturnCode.Success;
    } catch (err) {
      return this.state.fail(new Error(`dumpState failed: ${errorMessage(err)}`));
    } finally {
      emitter.close();
    }
  }

  /** Stops the events if they are started (destroy): `stopAsync`, a throw logged. */
  stopAll(): void {
    if (this.emitter !== undefined && this.stop() !== ReturnCode.Success)
      this.state.logSink(3, this.state.lastError);
  }

  private start(): ReturnCode {
    if (this.emitter !== undefined) {
      return this.state.fail(
        new Error('async events are already started: the host must reset the handler to NULL first'),
      );
    }
    const emitter = this.createEmitter(false, 'the async events are stopped (stopAsync was called)');
    try {
      const plugin = this.state.requirePlugin() as BasePlugin & AsyncEventSource;
      this.emitter = emitter;
      this.synchronously('startAsync', plugin.startAsync(emitter));
      return ReturnCode.Success;
    } catch (err) {
      emitter.close();
      this.emitter = undefined;
      return this.state.fail(new Error(`startAsync failed: ${errorMessage(err)}`));
    }
  }

  private stop(): ReturnCode {
    const emitter = this.emitter;
    if (emitter === undefined) return ReturnCode.Success;
    try {
      const plugin = this.state.requirePlugin() as BasePlugin & AsyncEventSource;
      this.synchronously('stopAsync', plugin.stopAsync());
      return ReturnCode.Success;
    } catch (err) {
      return this.state.fail(new Error(`stopAsync failed: ${errorMessage(err)}`));
    } finally {
      // whatever stopAsync did, no event reaches the handler the host is about to remove
      emitter.close();
      this.emitter = undefined;
    }
  }

  private createEmitter(dump: boolean, closed: string): Emitter {
    const backend = this.backend;
    return new Emitter(
      this.names,
      (name, data) => {
        if (backend === undefined) throw new Error('the host gave this plugin no async event handler');
        backend.emit(name, data, dump);
      },
      closed,
    );
  }

  private synchronously(method: string, outcome: unknown): void {
    if (isUnawaitedPromise(outcome))
      throw new ContractTypeError(`${method} must return synchronously, it returned a Promise`);
  }
}
