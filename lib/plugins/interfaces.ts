/**
 * The small interfaces every plugin is composed of, at the granularity of the Go SDK: identity, init,
 * schema, destroy, last error. Each capability declares its own in `lib/capabilities/<capability>/`.
 */
import type { InitContext } from '../capabilities/tables/init-tables';
import type { DeadlineCallback } from './call-deadlines';
import type { z } from 'zod';

/** Identity of a plugin: what `get_name`, `get_version` & co. return. */
export interface PluginInfo {
  /** Registered plugin id; required for event sourcing (999 is reserved for development). */
  readonly id?: number;
  /** Plugin name, unique in a Falco deployment. */
  readonly name: string;
  /** One-line description. */
  readonly description: string;
  /** Where to reach the authors (URL or e-mail). */
  readonly contact: string;
  /** The plugin's own semantic version. */
  readonly version: string;
  /**
   * Plugin API version the plugin needs. Default: the lowest its features need (`API_MINOR_NEEDED`: 3.3 for
   * the host logger, 3.5 with tables for parsers and extractors, 3.7 with capture listening, 3.11 for an
   * extractor's value offsets, 3.12 with `requiredEventSchemaVersion`). A lower one than that fails to register.
   */
  readonly requiredApiVersion?: string;
  /**
   * The libscap event schema version (`MAJOR.MINOR.PATCH`) the plugin's code was written for, returned by
   * `get_required_event_schema_version` (API 3.12). The host checks it when the plugin parses or extracts
   * events other than plugin events (syscall events): a host with another major, or an older minor or patch,
   * refuses to load the plugin. Without it the host assumes 3.0.0.
   */
  readonly requiredEventSchemaVersion?: string;
  /** The event source a source plugin produces (`get_event_source`). */
  readonly eventSource?: string;
  /** The event sources an extractor accepts; default: its own source, or every source. */
  readonly extractEventSources?: readonly string[];
  /**
   * The event type codes an extractor accepts (`get_extract_event_types`); default: plugin events (322)
   * only. An extractor of libsinsp's own events (syscall events) lists their types.
   */
  readonly extractEventTypes?: readonly number[];
  /** The event sources a parser accepts (`EventParsing`); default: its own source, or every source. */
  readonly parseEventSources?: readonly string[];
  /** The event type codes a parser accepts (`EventParsing`); default: every type. */
  readonly parseEventTypes?: readonly number[];
  /**
   * The names of the async events the plugin emits (`AsyncEvents`, required there): the host refuses any
   * other. Each name stands for one encoding of the event's data, and rules see it as the event's name.
   */
  readonly asyncEvents?: readonly string[];
  /** The event sources the async events go to (`AsyncEvents`); by default every source. */
  readonly asyncEventSources?: readonly string[];
  /**
   * Deadlines of the callbacks in milliseconds (0: none), over `DEFAULT_CALL_DEADLINES_MS`. A call still
   * running at its deadline (an endless loop, a Promise that never settles) is stopped and fails with
   * `<callback> did not finish within <n> ms`; the plugin state stays usable.
   */
  readonly callDeadlinesMs?: Partial<Record<DeadlineCallback, number>>;
  /**
   * The JavaScript heap limit of each plugin state in MiB (default `DEFAULT_HEAP_LIMIT_MIB`, 0: V8's
   * default). Reaching it fails the call with `out of memory in <callback>` and stops that plugin state;
   * the host and the other plugin states go on.
   */
  readonly heapLimitMiB?: number;
}

/** Static plugin identity. */
export interface Info {
  /**
   * The plugin's identity and static declarations. Called on the instance made at registration, before any
   * `init`: `registerPlugin` validates the result and keeps it, and the host's `get_name`, `get_version`
   * & co. return what it says then.
   */
  info(): PluginInfo;
}

/**
 * Initialization with the parsed, validated config, and the host's state tables (`context.tables`, for
 * plugins with parsing or extraction).
 */
export interface Init<Config> {
  /**
   * Called once per plugin state (`plugin_init`) with the config parsed and validated against
   * `initSchema` (the raw string without a schema) and the host's tables; may return a Promise.
   *
   * @throws Error to fail `plugin_init` with the error's message (a rejected Promise does the same).
   */
  init(config: Config, context: InitContext): void | Promise<void>;
}

/** The zod schema of the init config; the SDK generates the JSON Schema and parses the config with it. */
export interface InitSchema<S extends z.ZodTypeAny = z.ZodTypeAny> {
  /**
   * The schema: its JSON Schema is what `get_init_schema` returns, and the config `init` receives is its
   * output (defaults applied).
   */
  readonly initSchema: S;
}

/** Release of resources when the host destroys the plugin. */
export interface Destroyer {
  /**
   * Called once at `plugin_destroy`, after the SDK closed the instances still open and stopped the
   * plugin's routines and async events; may return a Promise. A failure is logged, since `plugin_destroy`
   * reports none.
   */
  destroy(): void | Promise<void>;
}

/** The message of the last failure, read by the host through `get_last_error`. */
export interface LastError {
  /**
   * The message of the last failed call: the SDK sets it to the message of what the call threw, the text
   * `get_last_error` returns.
   */
  lastError: string;
}
