import { ASYNC } from '../capabilities/async/mixin';
import {
  checkAsyncInfo,
  registerAsync,
  type AsyncCheck,
  type AsyncRegistration,
} from '../capabilities/async/registration';
import { LISTENING } from '../capabilities/listening/mixin';
import type { ListeningCheck } from '../capabilities/listening/registration';
import { DEFAULT_HEAP_LIMIT_MIB, resolveCallDeadlines } from './call-deadlines';
import { hasCapability } from '../capabilities/capability';
import { EXTRACTION } from '../capabilities/extraction/mixin';
import {
  checkExtractionInfo,
  registerExtraction,
  type ExtractionCheck,
  type ExtractionRegistration,
} from '../capabilities/extraction/registration';
import { PARSING } from '../capabilities/parsing/mixin';
import {
  checkParsingInfo,
  registerParsing,
  type ParsingCheck,
  type ParsingRegistration,
} from '../capabilities/parsing/registration';
import { SOURCING } from '../capabilities/sourcing/mixin';
import { checkSourcingInfo, type SourcingCheck } from '../capabilities/sourcing/registration';
import {
  checkRequiredApiVersion,
  defaultRequiredApiVersion,
  minimumApiMinor,
  parseSemVer,
  type ApiNeeds,
} from '../sdk/api-version';
import { toJsonSchema } from '../sdk/json-input';
import type { z } from 'zod';
import type { InitContext } from '../capabilities/tables/init-tables';
import type { BasePlugin, PluginClass } from './base-plugin';
import type { PluginInfo } from './interfaces';

/**
 * Part of `CapabilityCheck`: `init(config)` must accept the output of the declared `initSchema`; otherwise
 * the error names the schema's output type.
 */
export type ConfigCheck<P> = P extends {
  /** The declared schema of the init config. */
  readonly initSchema: infer S extends z.ZodTypeAny;
  /** The plugin's `init`, whose `config` parameter is checked. */
  init(config: infer C, context: InitContext): unknown;
}
  ? [z.output<S>] extends [C]
    ? unknown
    : {
        /** The compile-time error: its type is what `init(config)` must accept. */
        readonly 'init(config) must accept the output of initSchema': z.output<S>;
      }
  : unknown;

/**
 * Part of `CapabilityCheck`: `setConfig(config)`, when the plugin has one, must accept the output of the
 * declared `initSchema`; otherwise the error names the schema's output type.
 */
export type SetConfigCheck<P> = P extends {
  /** The declared schema of the init config, which config updates follow too. */
  readonly initSchema: infer S extends z.ZodTypeAny;
  /** The plugin's `setConfig`, whose `config` parameter is checked. */
  setConfig(config: infer C): unknown;
}
  ? [z.output<S>] extends [C]
    ? unknown
    : {
        /** The compile-time error: its type is what `setConfig(config)` must accept. */
        readonly 'setConfig(config) must accept the output of initSchema': z.output<S>;
      }
  : unknown;

/**
 * Compile-time completeness of a plugin class: every capability it composes must have its required
 * methods. The error text names the missing method and its signature.
 */
export type CapabilityCheck<P> = ConfigCheck<P> &
  SetConfigCheck<P> &
  SourcingCheck<P> &
  ExtractionCheck<P> &
  ParsingCheck<P> &
  ListeningCheck<P> &
  AsyncCheck<P> &
  (P extends
    | {
        /** Set on the classes `EventSourcing` returns. */
        readonly '~capability.sourcing': true;
      }
    | {
        /** Set on the classes `FieldExtraction` returns. */
        readonly '~capability.extraction': true;
      }
    | {
        /** Set on the classes `EventParsing` returns. */
        readonly '~capability.parsing': true;
      }
    | {
        /** Set on the classes `CaptureListening` returns. */
        readonly '~capability.listening': true;
      }
    | {
        /** Set on the classes `AsyncEvents` returns. */
        readonly '~capability.async': true;
      }
    ? unknown
    : {
        /** The compile-time error of a plugin class that composes no capability. */
        readonly 'a plugin needs a capability: extend EventSourcing(BasePlugin), FieldExtraction(BasePlugin), EventParsing(BasePlugin), CaptureListening(BasePlugin) and/or AsyncEvents(BasePlugin)': never;
      });

/** The capabilities a registered plugin exports symbols for. */
export interface Capabilities {
  /**
   * The class composes `EventSourcing`: the built library exports the event sourcing symbols
   * (`plugin_open`, `plugin_next_batch`, …).
   */
  readonly sourcing: boolean;
  /**
   * The class composes `FieldExtraction`: the built library exports `plugin_get_fields`,
   * `plugin_extract_fields` & co.
   */
  readonly extraction: boolean;
  /** The class composes `EventParsing`: the built library exports `plugin_parse_event` & co. */
  readonly parsing: boolean;
  /**
   * The class composes `CaptureListening`: the built library exports `plugin_capture_open` and
   * `plugin_capture_close`.
   */
  readonly listening: boolean;
  /**
   * The class composes `AsyncEvents`: the built library exports the async event symbols
   * (`plugin_get_async_events`, `plugin_set_async_event_handler`, …).
   */
  readonly async: boolean;
}

/**
 * Everything the host reads without a plugin state, computed once at registration and validated, plus
 * the factory for plugin objects.
 */
export interface PluginRegistration extends ExtractionRegistration, ParsingRegistration, AsyncRegistration {
  /** Marks the object for the build and the native bootstrap. */
  readonly kind: 'falco-plugin-registration';
  /**
   * The plugin's identity as `info()` returned it, validated, with `requiredApiVersion` resolved to the
   * default when the plugin gives none.
   */
  readonly info: Required<
    Pick<PluginInfo, 'name' | 'description' | 'contact' | 'version' | 'requiredApiVersion'>
  > &
    Pick<
      PluginInfo,
      'id' | 'eventSource' | 'extractEventSources' | 'heapLimitMiB' | 'requiredEventSchemaVersion'
    >;
  /** The capabilities the plugin class composes, which decide the symbols the library exports. */
  readonly capabilities: Capabilities;
  /** Whether the plugin takes config updates (it has `setConfig`, API 3.4). */
  readonly setConfig: boolean;
  /** The JSON Schema of the init config (`''` without a schema). */
  readonly initSchemaJson: string;
  /** The deadline of each callback in milliseconds, in `DEADLINE_CALLBACKS` order (0: none). */
  readonly callDeadlinesMs: readonly number[];
  /** The JavaScript heap limit of each plugin state in MiB (0: V8's default). */
  readonly heapLimitMiB: number;
  /** Creates a fresh plugin object for one plugin state. */
  create(): BasePlugin;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Registers a plugin class: validates its static information (identity, fields, schema) once and returns
 * the registration the SDK's symbols serve. Export it as the module's default export:
 *
 * @example
 * export default registerPlugin(DummyPlugin);
 *
 * A class that composes a capability without its required methods does not compile: the error names the
 * missing method and its signature.
 *
 * @throws Error listing every problem with the plugin's static information.
 */
export function registerPlugin<C extends PluginClass>(
  pluginClass: C & CapabilityCheck<InstanceType<C>>,
): PluginRegistration {
  const sample = new pluginClass();
  const capabilities: Capabilities = {
    sourcing: hasCapability(sample, SOURCING),
    extraction: hasCapability(sample, EXTRACTION),
    parsing: hasCapability(sample, PARSING),
    listening: hasCapability(sample, LISTENING),
    async: hasCapability(sample, ASYNC),
  };
  const setConfig = typeof (sample as { setConfig?: unknown }).setConfig === 'function';
  const info = validateInfo(sample.info(), capabilities, {
    ...capabilities,
    setConfig,
    eventSchemaVersion: sample.info().requiredEventSchemaVersion !== undefined,
    dumpState: typeof (sample as { dumpState?: unknown }).dumpState === 'function',
  });
  const extraction = registerExtraction(sample, info, capabilities.extraction);
  const parsing = registerParsing(info, capabilities.parsing);
  const async = registerAsync(info, capabilities.async);
  const initSchemaJson = sample.initSchema
    ? JSON.stringify(toJsonSchema(sample.initSchema, { strict: sample.strictInitSchema }))
    : '';
  return Object.freeze({
    kind: 'falco-plugin-registration' as const,
    info,
    capabilities,
    setConfig,
    ...extraction,
    ...parsing,
    ...async,
    initSchemaJson,
    callDeadlinesMs: resolveCallDeadlines(sample.info().callDeadlinesMs, []),
    heapLimitMiB: info.heapLimitMiB ?? DEFAULT_HEAP_LIMIT_MIB,
    create: () => new pluginClass(),
  });
}

function validateInfo(
  info: PluginInfo,
  capabilities: Capabilities,
  needs: ApiNeeds,
): PluginRegistration['info'] {
  const problems: string[] = [];
  const text = (key: keyof PluginInfo) => {
    const value = info[key];
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${key} must be a non-empty string`);
  };
  text('name');
  text('description');
  text('contact');
  text('version');
  if (typeof info.name === 'string' && !/^[a-z0-9_-]+$/i.test(info.name)) {
    problems.push(`name "${info.name}" may only contain letters, digits, _ and -`);
  }
  if (typeof info.version === 'string' && !SEMVER.test(info.version)) {
    problems.push(`version "${info.version}" is not a semantic version`);
  }
  const requiredApiVersion = info.requiredApiVersion ?? defaultRequiredApiVersion(needs);
  try {
    const { minor } = checkRequiredApiVersion(requiredApiVersion);
    const needed = minimumApiMinor(needs);
    if (needed !== undefined && minor < needed.minor) {
      problems.push(
        `requiredApiVersion ${requiredApiVersion} is too old: ${needed.feature} needs plugin API 3.${needed.minor}.0 or later`,
      );
    }
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (info.requiredEventSchemaVersion !== undefined) {
    try {
      parseSemVer(info.requiredEventSchemaVersion, 'requiredEventSchemaVersion');
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (info.id !== undefined && (!Number.isInteger(info.id) || info.id < 0 || info.id > 0xffffffff)) {
    problems.push(`id ${info.id} must be an unsigned 32-bit integer`);
  }
  checkSourcingInfo(info, capabilities.sourcing, problems);
  checkExtractionInfo(info, capabilities.extraction, problems);
  checkParsingInfo(info, capabilities.parsing, problems);
  checkAsyncInfo(info, capabilities.async, problems);
  resolveCallDeadlines(info.callDeadlinesMs, problems);
  if (
    info.heapLimitMiB !== undefined &&
    (!Number.isInteger(info.heapLimitMiB) ||
      (info.heapLimitMiB !== 0 && (info.heapLimitMiB < 16 || info.heapLimitMiB > 65536)))
  ) {
    problems.push(`heapLimitMiB must be an integer from 16 to 65536, or 0 for V8's default`);
  }
  if (problems.length > 0) {
    throw new Error(
      `invalid plugin info${typeof info.name === 'string' ? ` for ${info.name}` : ''}:\n- ${problems.join('\n- ')}`,
    );
  }
  return Object.freeze({ ...info, requiredApiVersion });
}

/** Whether a value is a plugin registration (works across copies of the SDK). */
export function isRegistration(value: unknown): value is PluginRegistration {
  return (value as PluginRegistration | undefined)?.kind === 'falco-plugin-registration';
}

/**
 * Finds the registration a plugin module exports: its default export, or else the only exported
 * registration.
 *
 * @throws Error naming the module when it exports none, or several.
 */
export function findRegistration(
  moduleExports: Record<string, unknown>,
  moduleName: string,
): PluginRegistration {
  if (isRegistration(moduleExports.default)) return moduleExports.default;
  const found = Object.values(moduleExports).filter(isRegistration);
  if (found.length === 1) return found[0];
  if (found.length > 1) throw new Error(`${moduleName} exports several plugins: make one the default export`);
  throw new Error(`${moduleName} exports no plugin: add \`export default registerPlugin(MyPlugin)\``);
}
