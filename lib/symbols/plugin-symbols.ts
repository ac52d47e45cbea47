import type { AsyncBackend } from '../capabilities/async/backend';
import { AsyncSymbols } from '../capabilities/async/symbols';
import { ConfigSymbols } from '../capabilities/config/symbols';
import type { RoutinesBackend } from '../capabilities/listening/backend';
import type { MetricsBackend } from '../capabilities/metrics/backend';
import { ListeningSymbols } from '../capabilities/listening/symbols';
import { ExtractionSymbols } from '../capabilities/extraction/symbols';
import { ParsingSymbols } from '../capabilities/parsing/symbols';
import { SourcingSymbols } from '../capabilities/sourcing/symbols';
import { adoptConfig, type BasePlugin } from '../plugins/base-plugin';
import type { LogSink } from '../plugins/logger';
import type { PluginRegistration } from '../plugins/registration';
import { errorMessage } from '../sdk/errors';
import { parseJsonInput, parsingSchema } from '../sdk/json-input';
import type { HostMemory } from './host-memory';
import { SharedState } from './shared-state';
import { ReturnCode } from './return-codes';
import type { TablesBackend } from '../capabilities/tables/backend';
import { InitTables } from '../capabilities/tables/init-tables';
import { settle, type MaybePromise } from './settle';

/** What the host side (the native layer, or the harness) gives a plugin state. */
export interface HostSide {
  /** The memory the host adopts buffers through. */
  readonly memory: HostMemory;
  /** The host's logger. */
  readonly log: LogSink;
  /** The host's tables as this state sees them (given to plugins with parsing or extraction). */
  readonly tables?: TablesBackend;
  /** The host's thread pool as this state sees it (for plugins with capture listening). */
  readonly routines?: RoutinesBackend;
  /** The host's side of the metrics (`get_metrics` reads their values in place). */
  readonly metrics?: MetricsBackend;
  /** The host's async event handlers as this state sees them (for plugins with async events). */
  readonly async?: AsyncBackend;
}

/**
 * The symbols of one plugin state: the common ones (`init`, `destroy`, `get_last_error`) here, and those of
 * each capability the plugin has in its own object (`lib/capabilities/<capability>/symbols.ts`), all over
 * one `SharedState`. The native layer and the in-process harness drive the same objects.
 */
export class PluginSymbols {
  readonly state: SharedState;
  /** The event sourcing symbols, when the plugin has `EventSourcing`. */
  readonly sourcing: SourcingSymbols | undefined;
  /** The field extraction symbols, when the plugin has `FieldExtraction`. */
  readonly extraction: ExtractionSymbols | undefined;
  /** The event parsing symbols, when the plugin has `EventParsing`. */
  readonly parsing: ParsingSymbols | undefined;
  /** The capture listening symbols, when the plugin has `CaptureListening`. */
  readonly listening: ListeningSymbols | undefined;
  /** The async event symbols, when the plugin has `AsyncEvents`. */
  readonly async: AsyncSymbols | undefined;
  /** The config update symbol (every plugin exports it; one without `setConfig` refuses updates). */
  readonly config: ConfigSymbols;

  constructor(
    readonly registration: PluginRegistration,
    private readonly host: HostSide,
  ) {
    const state = new SharedState(registration, host.memory, host.log);
    this.state = state;
    const { sourcing, extraction, parsing, listening, async } = registration.capabilities;
    this.sourcing = sourcing ? new SourcingSymbols(state) : undefined;
    const source = this.sourcing;
    this.extraction = extraction
      ? new ExtractionSymbols(state, source ? (handle) => source.batchOf(handle) : undefined)
      : undefined;
    this.parsing = parsing ? new ParsingSymbols(state) : undefined;
    this.config = new ConfigSymbols(state);
    this.listening = listening ? new ListeningSymbols(state, host.routines) : undefined;
    this.async = async ? new AsyncSymbols(state, host.async) : undefined;
  }

  /** The control block shared with the host. */
  get control(): Int32Array {
    return this.state.control;
  }

  /** `plugin_init`: creates the plugin object, parses the config and calls `init`. */
  init(config: string): MaybePromise<ReturnCode> {
    let tables: InitTables | undefined;
    return settle(
      () => {
        const plugin = this.registration.create();
        plugin.logger.setSink(this.state.logSink);
        tables = this.initTables();
        if (this.host.metrics) plugin.metrics.attach(this.state.memory, this.host.metrics);
        this.state.plugin = plugin;
        this.extraction?.init(plugin);
        const parsed = plugin.initSchema
          ? parseJsonInput(
              'init config',
              config,
              parsingSchema(plugin.initSchema, { strict: plugin.strictInitSchema }),
            )
          : config;
        adoptConfig(plugin, parsed);
        return plugin.init(parsed, { tables });
      },
      () => {
        tables?.close();
        return ReturnCode.Success;
      },
      (err) => {
        tables?.close();
        return this.state.fail(err);
      },
    );
  }

  /** The tables `init` receives: the host's for a plugin with parsing or extraction, as libsinsp gives them. */
  private initTables(): InitTables {
    const { parsing, extraction } = this.registration.capabilities;
    const backend = parsing || extraction ? this.host.tables : undefined;
    return new InitTables(
      backend,
      parsing || extraction
        ? 'the host gave this plugin no state tables'
        : "only plugins with event parsing or field extraction get the host's state tables",
    );
  }

  /** `plugin_destroy`: closes what is still open and calls the plugin's `destroy`. */
  destroy(): MaybePromise<void> {
    const plugin = this.state.plugin as (BasePlugin & { destroy?(): MaybePromise<void> }) | undefined;
    const sourcing = this.sourcing;
    const handles = sourcing?.openHandles ?? [];
    this.listening?.stopAll();
    this.async?.stopAll();
    return settle(
      () => Promise.all(handles.map((h) => sourcing?.close(h))).then(() => plugin?.destroy?.()),
      () => {
        this.state.plugin = undefined;
      },
      (err) => {
        this.state.plugin = undefined;
        this.state.logSink(3, `destroy failed: ${errorMessage(err)}`);
      },
    );
  }

  /** `plugin_get_last_error`. */
  getLastError(): string {
    return this.state.lastError;
  }

  /** Makes the Event buffer at least `size` bytes; the host calls it before copying in a larger event. */
  reserveEventBuffer(size: number): void {
    this.state.reserveEventBuffer(size);
  }

  /** The sourcing symbols. @throws Error when the plugin has no `EventSourcing`. */
  requireSourcing(): SourcingSymbols {
    if (this.sourcing === undefined)
      throw new Error(`plugin ${this.registration.info.name} is not an event source`);
    return this.sourcing;
  }

  /** The parsing symbols. @throws Error when the plugin has no `EventParsing`. */
  requireParsing(): ParsingSymbols {
    if (this.parsing === undefined)
      throw new Error(`plugin ${this.registration.info.name} does not parse events`);
    return this.parsing;
  }

  /** The capture listening symbols. @throws Error when the plugin has no `CaptureListening`. */
  requireListening(): ListeningSymbols {
    if (this.listening === undefined)
      throw new Error(`plugin ${this.registration.info.name} does not listen to captures`);
    return this.listening;
  }

  /** The async event symbols. @throws Error when the plugin has no `AsyncEvents`. */
  requireAsync(): AsyncSymbols {
    if (this.async === undefined)
      throw new Error(`plugin ${this.registration.info.name} does not emit async events`);
    return this.async;
  }

  /** The extraction symbols. @throws Error when the plugin has no `FieldExtraction`. */
  requireExtraction(): ExtractionSymbols {
    if (this.extraction === undefined) {
      throw new Error(`plugin ${this.registration.info.name} does not extract fields`);
    }
    return this.extraction;
  }
}
