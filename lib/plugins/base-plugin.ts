import type { z } from 'zod';
import type { InitContext } from '../capabilities/tables/init-tables';
import type { Info, LastError, PluginInfo } from './interfaces';
import { PluginLogger, stderrSink } from './logger';
import { PluginMetrics } from '../capabilities/metrics/metrics';

/**
 * The base of every plugin: identity, last error, logger and the parsed config. Compose it with the
 * capabilities the plugin has — `EventSourcing`, `FieldExtraction` — and register the class with
 * `registerPlugin`.
 *
 * The SDK constructs the class once when the library is loaded, to read its static information (info,
 * fields, schemas), and once per `plugin_init`: keep the constructor free of side effects and do the
 * work in `init`.
 */
export abstract class BasePlugin implements Info, LastError {
  /** The message of the last failure; the SDK sets it from thrown errors. */
  lastError = '';
  /** The plugin's logger, routed to the host's logger. */
  readonly logger = new PluginLogger(stderrSink);
  /** The plugin's metrics, read by the host in place (`get_metrics`, published as `<plugin>.<metric>`). */
  readonly metrics = new PluginMetrics();
  /**
   * The zod schema of the init config. When set, the SDK generates the JSON Schema for `get_init_schema`,
   * and `init` receives the parsed config, defaults applied.
   */
  readonly initSchema?: z.ZodTypeAny;
  /** Make the init config reject undeclared keys (off by default, as the official plugins). */
  readonly strictInitSchema: boolean = false;

  /** The plugin's identity. */
  abstract info(): PluginInfo;

  /**
   * Called once per plugin state with the config, parsed and validated against `initSchema` (the raw
   * string when there is no schema), and the host's state tables (`context.tables`: import and export them
   * here). Throwing fails `plugin_init` with the error's message.
   */
  init(_config: unknown, _context: InitContext): void | Promise<void> {}

  /**
   * A base with `initSchema` set to `schema` and `this.config` typed from it: the init config, parsed and
   * validated (defaults applied), set before `init` runs, and replaced by each config update that
   * `setConfig` accepts. No more `private config = Schema.parse({})`, which throws for a required key.
   *
   * @example
   * const Config = z.object({ jitter: z.number().int().min(0).default(10) });
   * class Dummy extends FieldExtraction(EventSourcing(BasePlugin.withConfig(Config))) {
   *   open() {
   *     return new DummyInstance(this.config.jitter); // number
   *   }
   * }
   */
  static withConfig<S extends z.ZodTypeAny>(schema: S): ConfiguredPluginClass<S> {
    abstract class ConfiguredPlugin extends BasePlugin {
      override readonly initSchema: S = schema;
      /** The init config as `initSchema` parsed it; the latest accepted update after `setConfig`. */
      config!: z.output<S>;
    }
    Object.defineProperty(ConfiguredPlugin.prototype, CONFIGURED, { value: true });
    return ConfiguredPlugin;
  }
}

/**
 * The base class `BasePlugin.withConfig(schema)` returns: a `BasePlugin` whose `initSchema` is `schema` and
 * whose `config` is typed from it. Only a type: each `withConfig` call makes its own class, to extend or to
 * compose with capabilities.
 */
export declare abstract class ConfiguredPlugin<S extends z.ZodTypeAny> extends BasePlugin {
  /** The schema given to `withConfig`. */
  override readonly initSchema: S;
  /** The init config as `initSchema` parsed it; the latest accepted update after `setConfig`. */
  config: z.output<S>;
}

/** The class `BasePlugin.withConfig(schema)` returns (abstract: extend it). */
export type ConfiguredPluginClass<S extends z.ZodTypeAny> = typeof ConfiguredPlugin<S>;

// In the global registry: a plugin bundled with its own copy of the SDK is still recognized.
const CONFIGURED = Symbol.for('falco-plugin-sdk.configured');

/** @internal Sets `this.config` of a plugin made with `BasePlugin.withConfig` (nothing for the others). */
export function adoptConfig(plugin: BasePlugin, config: unknown): void {
  if ((plugin as unknown as Record<symbol, unknown>)[CONFIGURED] === true)
    (plugin as unknown as { config: unknown }).config = config;
}

/** A concrete plugin class with a no-argument constructor. */
export type PluginClass<P extends BasePlugin = BasePlugin> = new () => P;
