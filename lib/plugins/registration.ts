import { DEFAULT_HEAP_LIMIT_MIB, resolveCallDeadlines } from './call-deadlines';
import { checkRequiredApiVersion, DEFAULT_REQUIRED_API_VERSION } from '../sdk/api-version';
import { fieldsToJson, validateFields, type FieldDefinition } from '../sdk/fields/field-definition';
import { toJsonSchema } from '../sdk/json-input';
import { PLUGIN_EVENT_TYPE } from '../sdk/event-layout';
import type { z } from 'zod';
import type { BasePlugin, PluginClass } from './base-plugin';
import { EXTRACTION, hasCapability, SOURCING } from './capabilities';
import type { NextBatch, PluginInfo } from './interfaces';

/** A compile-time error naming a method the claimed capability requires, and its signature. */
type MissingMethod<Signature extends string> = { readonly [K in `missing method ${Signature}`]: never };
type Require<Has, Signature extends string> = Has extends true ? unknown : MissingMethod<Signature>;
type HasMethod<T, K extends PropertyKey, F> = T extends { [P in K]: F } ? true : false;

/** What `init` must accept given the declared `initSchema`. */
type ConfigCheck<P> = P extends {
  readonly initSchema: infer S extends z.ZodTypeAny;
  init(config: infer C): unknown;
}
  ? [z.output<S>] extends [C]
    ? unknown
    : { readonly 'init(config) must accept the output of initSchema': z.output<S> }
  : unknown;

/**
 * Compile-time completeness of a plugin class: every capability it composes must have its required
 * methods. The error text names the missing method and its signature.
 */
export type CapabilityCheck<P> = ConfigCheck<P> &
  (P extends { readonly '~capability.sourcing': true }
    ? Require<
        HasMethod<P, 'open', (params: never) => NextBatch | Promise<NextBatch>>,
        'open(params: OpenParams): NextBatch | Promise<NextBatch>'
      >
    : unknown) &
  (P extends { readonly '~capability.extraction': true }
    ? Require<
        HasMethod<P, 'fields', () => readonly FieldDefinition<never>[]>,
        'fields(): readonly FieldDefinition[]'
      >
    : unknown) &
  (P extends { readonly '~capability.sourcing': true } | { readonly '~capability.extraction': true }
    ? unknown
    : {
        readonly 'a plugin needs a capability: extend EventSourcing(BasePlugin) and/or FieldExtraction(BasePlugin)': never;
      });

/** The capabilities a registered plugin exports symbols for. */
export interface Capabilities {
  readonly sourcing: boolean;
  readonly extraction: boolean;
}

/**
 * Everything the host reads without a plugin state, computed once at registration and validated, plus
 * the factory for plugin objects.
 */
export interface PluginRegistration {
  /** Marks the object for the build and the native bootstrap. */
  readonly kind: 'falco-plugin-registration';
  readonly info: Required<
    Pick<PluginInfo, 'name' | 'description' | 'contact' | 'version' | 'requiredApiVersion'>
  > &
    Pick<PluginInfo, 'id' | 'eventSource' | 'extractEventSources' | 'heapLimitMiB'>;
  readonly capabilities: Capabilities;
  /** The JSON of `get_fields` (`[]` without extraction). */
  readonly fieldsJson: string;
  /** The JSON Schema of the init config (`''` without a schema). */
  readonly initSchemaJson: string;
  /**
   * The event sources extraction accepts, as `get_extract_event_sources` returns them (JSON array). Empty
   * means the host's default: the plugin's own source for a source plugin, every source otherwise.
   */
  readonly extractEventSourcesJson: string;
  /** The event types extraction accepts (`get_extract_event_types`): plugin events. */
  readonly extractEventTypes: readonly number[];
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
  };
  const info = validateInfo(sample.info(), capabilities);
  let fieldsJson = '[]';
  if (capabilities.extraction) {
    const fields = (sample as unknown as { fields(): readonly FieldDefinition[] }).fields();
    validateFields(fields);
    const withoutExtractor = fields.filter((f) => typeof f.extract !== 'function').map((f) => f.name);
    if (
      withoutExtractor.length > 0 &&
      typeof (sample as unknown as { extract?: unknown }).extract !== 'function'
    ) {
      throw new Error(
        `plugin ${info.name}: fields ${withoutExtractor.join(', ')} have no extractor and the plugin has no extract(request) method`,
      );
    }
    const needsAddOutput = fields.some((f) => f.addOutput);
    if (needsAddOutput && checkRequiredApiVersion(info.requiredApiVersion).minor < 8) {
      throw new Error(
        `plugin ${info.name}: addOutput needs plugin API 3.8.0 or later, it requires ${info.requiredApiVersion}`,
      );
    }
    fieldsJson = fieldsToJson(fields);
  }
  const initSchemaJson = sample.initSchema
    ? JSON.stringify(toJsonSchema(sample.initSchema, { strict: sample.strictInitSchema }))
    : '';
  return Object.freeze({
    kind: 'falco-plugin-registration' as const,
    info,
    capabilities,
    fieldsJson,
    initSchemaJson,
    extractEventSourcesJson: JSON.stringify(info.extractEventSources ?? []),
    extractEventTypes: [PLUGIN_EVENT_TYPE],
    callDeadlinesMs: resolveCallDeadlines(sample.info().callDeadlinesMs, []),
    heapLimitMiB: info.heapLimitMiB ?? DEFAULT_HEAP_LIMIT_MIB,
    create: () => new pluginClass(),
  });
}

function validateInfo(info: PluginInfo, capabilities: Capabilities): PluginRegistration['info'] {
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
  const requiredApiVersion = info.requiredApiVersion ?? DEFAULT_REQUIRED_API_VERSION;
  try {
    checkRequiredApiVersion(requiredApiVersion);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (info.id !== undefined && (!Number.isInteger(info.id) || info.id < 0 || info.id > 0xffffffff)) {
    problems.push(`id ${info.id} must be an unsigned 32-bit integer`);
  }
  if (capabilities.sourcing) {
    if (!info.id) problems.push('an event source needs a non-zero id (999 is reserved for development)');
    if (!info.eventSource) problems.push('an event source needs eventSource');
    if (info.eventSource === 'syscall') problems.push('eventSource "syscall" is reserved for the host');
  } else if (info.eventSource !== undefined || info.id !== undefined) {
    problems.push('id and eventSource are only for plugins with EventSourcing');
  }
  if (info.extractEventSources !== undefined) {
    if (!capabilities.extraction)
      problems.push('extractEventSources is only for plugins with FieldExtraction');
    if (
      !Array.isArray(info.extractEventSources) ||
      info.extractEventSources.some((s) => typeof s !== 'string' || s === '')
    ) {
      problems.push('extractEventSources must be an array of non-empty strings');
    }
  }
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
