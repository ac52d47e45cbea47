import type { AsyncBackend } from '../capabilities/async/backend';
import { ReturnCode } from '../symbols/return-codes';
import type { PluginSymbols } from '../symbols/plugin-symbols';
import { PluginCallError } from './harness-types';

/** An async event the host took: its name and data, and whether `dump_state` produced it. */
export interface ReceivedAsyncEvent {
  /** The event's name, one of the plugin's `asyncEvents`. */
  readonly name: string;
  /** The event's data, copied as the host copies it. */
  readonly data: Uint8Array;
  /** The data as UTF-8 text. */
  readonly text: string;
  /** Whether `dump_state` produced the event (rather than the emitter of `startAsync`). */
  readonly dump: boolean;
}

/**
 * The harness's side of async events, as libsinsp handles them: `set_async_event_handler` with a handler
 * and NULL (a second handler without NULL first is refused), the events taken while a handler is set, and
 * `dump_state` with a handler of its own.
 */
export class AsyncDriver implements AsyncBackend {
  private installed = false;
  private dumping = false;
  private readonly names: ReadonlySet<string>;
  private readonly received: ReceivedAsyncEvent[] = [];
  private symbols: PluginSymbols | undefined;

  constructor(
    private readonly plugin: string,
    asyncEventsJson: string,
  ) {
    this.names = new Set(JSON.parse(asyncEventsJson) as string[]);
  }

  /** @internal Binds the driver to the state it drives. */
  attach(symbols: PluginSymbols): void {
    this.symbols = symbols;
  }

  emit(name: string, data: Uint8Array, dump: boolean): void {
    if (dump ? !this.dumping : !this.installed)
      throw new Error(`async event sent with NULL handler: ${this.plugin}`);
    if (!this.names.has(name))
      throw new Error(`incompatible async event '${name}' produced by plugin: ${this.plugin}`);
    // the host copies the event before the handler returns
    const copy = new Uint8Array(data);
    this.received.push({ name, data: copy, text: Buffer.from(copy).toString('utf8'), dump });
  }

  /** `set_async_event_handler` with a handler (`true`) or NULL. @throws PluginCallError as libsinsp would. */
  setHandler(installed: boolean): void {
    if (installed && this.installed)
      throw new PluginCallError(
        'set_async_event_handler',
        'must reset the async event handler before setting a new one',
      );
    if (installed) this.installed = true;
    const rc = this.require().requireAsync().setHandler(installed);
    if (rc !== ReturnCode.Success) {
      if (installed) this.installed = false;
      throw new PluginCallError('set_async_event_handler', this.require().getLastError());
    }
    if (!installed) this.installed = false;
  }

  /** `dump_state`: the events the plugin dumped. @throws PluginCallError with the plugin's last error. */
  dumpState(): ReceivedAsyncEvent[] {
    const from = this.received.length;
    this.dumping = true;
    try {
      const rc = this.require().requireAsync().dumpState();
      if (rc !== ReturnCode.Success) {
        throw new PluginCallError(
          'dump_state',
          `dump error for plugin '${this.plugin}' : ${this.require().getLastError()}`,
        );
      }
    } finally {
      this.dumping = false;
    }
    return this.received.splice(from);
  }

  /** The async events taken since the last call, in order. */
  take(): ReceivedAsyncEvent[] {
    return this.received.splice(0);
  }

  private require(): PluginSymbols {
    if (this.symbols === undefined) throw new Error('the async driver is not attached to a plugin state');
    return this.symbols;
  }
}
