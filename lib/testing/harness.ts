import { PLUGIN_EVENT_TYPE } from '../sdk/event-layout';
import Ajv, { type ErrorObject } from 'ajv';
import { severityName, type LogSeverityName, type LogSink } from '../plugins/logger';
import type { PluginRegistration } from '../plugins/registration';
import { checkRequiredApiVersion } from '../sdk/api-version';
import type { FieldSpec } from '../sdk/fields/field-definition';
import { BufferKind, ControlF64, ControlI32 } from '../symbols/exchange-layout';
import { PluginSymbols } from '../symbols/plugin-symbols';
import { ReturnCode } from '../symbols/return-codes';
import { eventTypeOf, ownEventSource } from './decode';
import { extractField } from './extraction-driver';
import { parseFieldSelector, type FieldSelector } from './field-selector';
import { HarnessMemory } from './harness-memory';
import { PluginCallError, type CapturedEvent, type ExtractedValue } from './harness-types';
import { AsyncDriver, type ReceivedAsyncEvent } from './async-driver';
import { HarnessThreadPool, ListeningDriver } from './listening-driver';
import { MetricsDriver, type PublishedMetric } from './metrics-driver';
import { ParsingDriver } from './parsing-driver';
import { Capture } from './sourcing-driver';
import { HarnessTables, type HarnessTablesBackend, type TableCall } from './tables-driver';

/** Options of `PluginHarness`. */
export interface HarnessOptions {
  /** Where the plugin's log lines go (default: collected in `logs`). */
  readonly log?: LogSink;
  /** The host's state tables, to share between harnesses (default: a `threads` table of its own, empty). */
  readonly tables?: HarnessTables;
}

/**
 * Loads a registered plugin and validates it the way libsinsp does at load time: API version, capabilities,
 * fields, init schema. Then `init` gives a plugin state to drive.
 *
 * @example
 * const harness = new PluginHarness(dummy);
 * const state = await harness.init('{"jitter":0}');
 * const rows = await state.run({ open: '{"maxEvents":10}', fields: ['dummy.value'] });
 */
export class PluginHarness {
  /** Log lines the plugin wrote, when no `log` option is given. */
  readonly logs: {
    /** The severity, a `LogSeverity` value. */
    severity: number;
    /** The severity's name (`warning`, `info`, …). */
    level: LogSeverityName;
    /** The text the plugin logged. */
    message: string;
  }[] = [];
  /** The declared fields, parsed from the `get_fields` JSON. */
  readonly fields: readonly FieldSpec[];
  /** The init schema, parsed from `get_init_schema` (undefined without one). */
  readonly initSchema: Record<string, unknown> | undefined;
  /** The host's state tables the plugin's states see (the `tables` option, or the harness's own). */
  readonly tables: HarnessTables;
  private readonly validateSchema: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

  /**
   * @throws Error when `registration` is not a plugin registration, its required API version is one this
   * SDK does not implement, it has no capability, or it extracts and declares no field.
   */
  constructor(
    /** The registration the harness loads (the plugin module's default export). */
    readonly registration: PluginRegistration,
    private readonly options: HarnessOptions = {},
  ) {
    if (registration?.kind !== 'falco-plugin-registration') {
      throw new Error(
        'not a plugin registration: export default registerPlugin(MyPlugin) from the plugin module',
      );
    }
    checkRequiredApiVersion(registration.info.requiredApiVersion);
    this.tables = options.tables ?? new HarnessTables();
    const { sourcing, extraction, parsing, listening, async } = registration.capabilities;
    if (!sourcing && !extraction && !parsing && !listening && !async) {
      throw new Error(`plugin ${registration.info.name} has no capability`);
    }
    this.fields = JSON.parse(registration.fieldsJson) as FieldSpec[];
    if (extraction && this.fields.length === 0)
      throw new Error('plugins with extraction must declare at least one field');
    this.initSchema = registration.initSchemaJson
      ? (JSON.parse(registration.initSchemaJson) as Record<string, unknown>)
      : undefined;
    const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: false });
    this.validateSchema = this.initSchema
      ? ajv.compile(this.initSchema)
      : Object.assign(() => true, { errors: null });
  }

  /**
   * Validates a config against the init schema as libsinsp does before `init`: an empty config is `{}`,
   * and only the top-most error is reported.
   *
   * @returns the error message, or `undefined` when valid.
   */
  validateConfig(config: string): string | undefined {
    if (!this.initSchema) return undefined;
    let data: unknown;
    const plugin = `error in plugin ${this.registration.info.name}`;
    try {
      data = JSON.parse(config.trim() === '' ? '{}' : config);
    } catch (err) {
      return `${plugin}: init config is not a valid json (${(err as Error).message})`;
    }
    if (this.validateSchema(data)) return undefined;
    // worded as the host words it: the key as "<root>[auth][token]" (the problem in the validator's words)
    const [first] = this.validateSchema.errors ?? [];
    const where = (first?.instancePath ?? '')
      .split('/')
      .slice(1)
      .map((key) => `[${key.replace(/~1/g, '/').replace(/~0/g, '~')}]`)
      .join('');
    return `${plugin} init config: In <root>${where}, ${first?.message ?? 'failed parsing with provided schema'}`;
  }

  /**
   * `plugin_init`: validates the config against the schema, then initializes a plugin state.
   *
   * @throws PluginCallError with the schema error or the plugin's last error.
   */
  async init(config = ''): Promise<PluginState> {
    const invalid = this.validateConfig(config);
    if (invalid) throw new PluginCallError('init', invalid);
    const memory = new HarnessMemory();
    const log: LogSink =
      this.options.log ??
      ((severity, message) => this.logs.push({ severity, level: severityName(severity), message }));
    const tables = this.tables.connect();
    const pool = new HarnessThreadPool();
    const metrics = new MetricsDriver(this.registration.info.name, memory);
    const asyncDriver = new AsyncDriver(this.registration.info.name, this.registration.asyncEventsJson);
    const symbols = new PluginSymbols(this.registration, {
      memory,
      log,
      tables,
      routines: pool,
      metrics,
      async: asyncDriver,
    });
    pool.attach((id) => symbols.requireListening().runRoutine(id));
    asyncDriver.attach(symbols);
    tables.enter('init');
    let rc: ReturnCode;
    try {
      rc = await symbols.init(config.trim() === '' ? '{}' : config);
    } finally {
      tables.leave();
    }
    if (rc !== ReturnCode.Success) {
      const message = symbols.getLastError();
      await symbols.destroy();
      throw new PluginCallError('init', message);
    }
    return new PluginState(this, symbols, memory, tables, pool, metrics, asyncDriver);
  }
}

const ownSource = (registration: PluginRegistration): string => ownEventSource(registration) ?? '';

/** What `PluginState.run` returns for each event. */
export interface RunRow {
  /** The event number, from 1, as the host numbers events over the plugin state. */
  readonly number: number;
  /** The event's timestamp, in nanoseconds since the epoch. */
  readonly timestamp: bigint;
  /** `event_to_string` text (`evt.plugininfo`). */
  readonly plugininfo: string;
  /** Each requested field by its name as written. */
  readonly fields: Record<string, ExtractedValue>;
}

/** One initialized plugin state, driven like libsinsp drives it. */
export class PluginState {
  private eventCounter = 0;
  private generation = 0;
  private loadedEvent: CapturedEvent | undefined;
  private destroyed = false;
  private readonly parsing: ParsingDriver | undefined;
  private readonly listening: ListeningDriver | undefined;

  /** @internal */
  constructor(
    /** The harness this plugin state was initialized by. */
    readonly harness: PluginHarness,
    /** @internal The symbols layer of this state, for tests that drive it directly. */
    readonly symbols: PluginSymbols,
    private readonly memory: HarnessMemory,
    private readonly tables: HarnessTablesBackend,
    /** The host's thread pool the plugin's routines run on. */
    readonly threadPool: HarnessThreadPool,
    private readonly metricsDriver: MetricsDriver,
    private readonly asyncDriver: AsyncDriver,
  ) {
    const { registration } = harness;
    this.parsing = registration.capabilities.parsing ? new ParsingDriver(symbols, registration) : undefined;
    this.listening = registration.capabilities.listening ? new ListeningDriver(symbols) : undefined;
  }

  /** Whether the host would hand this event, of `source`, to the plugin's `parse_event`. */
  parses(event: CapturedEvent, source = ownSource(this.harness.registration)): boolean {
    return this.parsing?.accepts(event, source) ?? false;
  }

  /** Whether the host would ask the plugin's fields of this event (its `extractEventTypes`). */
  extracts(event: CapturedEvent): boolean {
    return (
      this.harness.registration.capabilities.extraction &&
      this.harness.registration.extractEventTypes.includes(eventTypeOf(event))
    );
  }

  /**
   * `plugin_parse_event` for one event, as libsinsp calls it before evaluating rules.
   *
   * @param source - the event's source (default: the plugin's own `eventSource`).
   * @throws Error when the plugin does not parse, or would not be handed this event (its parse sources and
   * types); PluginCallError when it fails, with its last error.
   */
  parse(event: CapturedEvent, source = ownSource(this.harness.registration)): void {
    const parsing = this.parsing;
    if (parsing === undefined) throw new Error('parse_event: the plugin has no event parsing capability');
    if (!parsing.accepts(event, source)) {
      throw new Error(
        `parse_event: the host does not hand event ${event.number} of source "${source}" to this plugin`,
      );
    }
    this.loadEvent(event);
    this.withTables('parse_event', () => parsing.parse(source));
  }

  /**
   * `plugin_capture_open`, as libsinsp calls it when a capture starts (`run` does it for a listening source).
   *
   * @throws PluginCallError with the plugin's last error.
   */
  captureOpen(): void {
    const listening = this.requireListening('capture_open');
    this.withTables('capture_open', () => listening.captureOpen());
  }

  /**
   * `plugin_capture_close`, as libsinsp calls it when a capture stops; the routines still running stop.
   *
   * @throws PluginCallError with the plugin's last error.
   */
  captureClose(): void {
    const listening = this.requireListening('capture_close');
    this.withTables('capture_close', () => listening.captureClose());
  }

  /**
   * `plugin_set_async_event_handler`, as libsinsp calls it when a capture starts (a handler) and stops
   * (NULL); `run` does both for a plugin with async events.
   *
   * @throws PluginCallError with the plugin's last error, or for a second handler without NULL first.
   */
  setAsyncHandler(installed: boolean): void {
    this.requireAsync('set_async_event_handler');
    this.asyncDriver.setHandler(installed);
  }

  /** The async events the host took since the last call (they are not given again). */
  asyncEvents(): ReceivedAsyncEvent[] {
    this.requireAsync('async events');
    return this.asyncDriver.take();
  }

  /**
   * `plugin_dump_state`, as libsinsp calls it when it writes a capture file: the events the plugin dumped.
   *
   * @throws PluginCallError with the plugin's last error.
   */
  dumpState(): ReceivedAsyncEvent[] {
    this.requireAsync('dump_state');
    return this.asyncDriver.dumpState();
  }

  /** `plugin_get_metrics`: the plugin's metrics as the host publishes them. */
  metrics(): PublishedMetric[] {
    return this.metricsDriver.read();
  }

  /**
   * `plugin_set_config`, as libsinsp calls it: the config is validated against the init schema first.
   *
   * @throws PluginCallError with the schema error or the plugin's last error (the plugin keeps its config).
   */
  async setConfig(config: string): Promise<void> {
    const invalid = this.harness.validateConfig(config);
    if (invalid) throw new PluginCallError('set_config', invalid);
    const rc = await this.symbols.config.setConfig(config.trim() === '' ? '{}' : config);
    if (rc !== ReturnCode.Success) throw new PluginCallError('set_config', this.symbols.getLastError());
  }

  /**
   * `plugin_list_open_params`, parsed.
   *
   * @throws PluginCallError with the plugin's last error.
   */
  async listOpenParams(): Promise<
    {
      /** A value usable as the open params. */
      value: string;
      /** Its description; empty when the plugin gave none. */
      desc: string;
      /** The separator of the values `value` concatenates; empty when the plugin gave none. */
      separator: string;
    }[]
  > {
    const json = await this.symbols.requireSourcing().listOpenParams();
    if (json === null) throw new PluginCallError('list_open_params', this.symbols.getLastError());
    return JSON.parse(json) as { value: string; desc: string; separator: string }[];
  }

  /**
   * `plugin_open`.
   *
   * @throws PluginCallError with the plugin's last error.
   */
  async open(params = ''): Promise<Capture> {
    this.requireSourcing('open');
    const handle = await this.symbols.requireSourcing().open(params);
    if (handle === 0) throw new PluginCallError('open', this.symbols.getLastError());
    return new Capture(this, handle, this.memory);
  }

  /** @internal Numbers an event as the host does. */
  nextEventNumber(): number {
    return ++this.eventCounter;
  }

  /**
   * Extracts one field from one event with one `extract_fields` call, as libsinsp does.
   *
   * @param field - `name` or `name[arg]`.
   * @throws Error for a field the plugin does not declare or a bad argument (as libsinsp rejects them).
   * @throws PluginCallError when the plugin fails, with its last error.
   */
  extract(
    event: CapturedEvent,
    field: string | FieldSelector,
    options: { wantOffsets?: boolean } = {},
  ): ExtractedValue {
    return this.extractWithOffsets(event, field, options).value;
  }

  /** Like `extract`, also returning the value offsets the plugin reported (API 3.11). */
  extractWithOffsets(
    event: CapturedEvent,
    field: string | FieldSelector,
    options: { wantOffsets?: boolean } = { wantOffsets: true },
  ): {
    /** The value, as `extract` returns it. */
    value: ExtractedValue;
    /** Where each value lies in the event, when the plugin reported it; `undefined` otherwise. */
    offsets:
      | {
          /** The value's first byte, counted from the start of the event (header included). */
          start: number;
          /** The value's length in bytes. */
          length: number;
        }[]
      | undefined;
  } {
    this.requireExtraction('extract_fields');
    const types = this.harness.registration.extractEventTypes;
    if (!types.includes(eventTypeOf(event))) {
      throw new Error(
        `extract_fields: the host does not hand events of type ${eventTypeOf(event)} to this plugin (its extractEventTypes: ${types.join(', ')})`,
      );
    }
    const selector = typeof field === 'string' ? parseFieldSelector(field, this.harness.fields) : field;
    this.loadEvent(event);
    const wantOffsets = options.wantOffsets === true;
    return this.withTables('extract_fields', () =>
      extractField(this.symbols, this.memory, selector, wantOffsets),
    );
  }

  /** `plugin_event_to_string`: the `evt.plugininfo` text. */
  eventToString(event: CapturedEvent): string {
    this.loadEvent(event);
    return this.symbols.requireSourcing().eventToString();
  }

  /**
   * Runs a whole capture: open, next_batch until EOF or `maxEvents`, each event parsed (when the plugin
   * parses it) and then every field extracted from it (one call per field), `event_to_string`, close.
   */
  async run(
    options: { open?: string; fields?: readonly string[]; maxEvents?: number } = {},
  ): Promise<RunRow[]> {
    const selectors = (options.fields ?? []).map((f) => parseFieldSelector(f, this.harness.fields));
    const async = this.harness.registration.capabilities.async;
    if (this.listening) this.captureOpen();
    if (async) this.setAsyncHandler(true);
    const capture = await this.open(options.open ?? '');
    const rows: RunRow[] = [];
    try {
      const source = ownSource(this.harness.registration);
      for await (const event of capture.events({ maxEvents: options.maxEvents })) {
        if (this.parses(event, source)) this.parse(event, source);
        const fields: Record<string, ExtractedValue> = {};
        if (this.extracts(event)) {
          for (const selector of selectors) fields[selector.text] = this.extract(event, selector);
        }
        rows.push({
          number: event.number,
          timestamp: event.timestamp,
          // the host asks event_to_string of the plugin's own plugin events only
          plugininfo: eventTypeOf(event) === PLUGIN_EVENT_TYPE ? this.eventToString(event) : '',
          fields,
        });
      }
    } finally {
      await capture.close();
      if (async) this.setAsyncHandler(false);
      if (this.listening) this.captureClose();
    }
    return rows;
  }

  /** `plugin_destroy`. Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.symbols.destroy();
  }

  /** Runs one host call that hands the plugin the tables' vtables. */
  private withTables<T>(call: TableCall, body: () => T): T {
    this.tables.enter(call);
    try {
      return body();
    } finally {
      this.tables.leave();
    }
  }

  private loadEvent(event: CapturedEvent): void {
    if (this.loadedEvent === event) return;
    this.symbols.reserveEventBuffer(event.bytes.length);
    new Uint8Array(this.memory.get(BufferKind.Event)).set(event.bytes);
    const control = this.symbols.control;
    control[ControlI32.EventLength] = event.bytes.length;
    new Float64Array(control.buffer)[ControlF64.EventNumber] = event.number;
    control[ControlI32.EventGeneration] = ++this.generation;
    this.loadedEvent = event;
  }

  private requireSourcing(call: string): void {
    if (!this.harness.registration.capabilities.sourcing)
      throw new Error(`${call}: the plugin has no event sourcing capability`);
  }

  private requireListening(call: string): ListeningDriver {
    if (this.listening === undefined)
      throw new Error(`${call}: the plugin has no capture listening capability`);
    return this.listening;
  }

  private requireAsync(call: string): void {
    if (!this.harness.registration.capabilities.async)
      throw new Error(`${call}: the plugin has no async events capability`);
  }

  private requireExtraction(call: string): void {
    if (!this.harness.registration.capabilities.extraction)
      throw new Error(`${call}: the plugin has no field extraction capability`);
  }
}
