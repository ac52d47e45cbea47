import type { BasePlugin } from '../../plugins/base-plugin';
import type { PluginInfo } from '../../plugins/interfaces';
import { checkRequiredApiVersion } from '../../sdk/api-version';
import { PLUGIN_EVENT_TYPE } from '../../sdk/event-layout';
import { fieldsToJson, validateFields, type FieldDefinition } from '../../sdk/fields/field-definition';
import type { HasMethod, Require } from '../registration-types';

/** The context the fields of a plugin read (`fieldsWithContext<T>()`: T; plain `field`: unknown). */
export type FieldsContext<P> = P extends {
  /** The plugin's `fields`, whose declarations give the context type. */
  fields(): readonly (infer D)[];
}
  ? D extends FieldDefinition<infer C>
    ? C
    : unknown
  : unknown;

/**
 * The per-event context agrees with the fields: what `eventContext` returns must be what the fields of
 * `fieldsWithContext<T>()` read (a mismatch, or a missing `eventContext`, does not compile).
 */
export type ContextCheck<P> = P extends {
  /** The plugin's `eventContext`, whose return type is checked. */
  eventContext(event: never): infer C;
}
  ? [C] extends [FieldsContext<P>]
    ? unknown
    : {
        /** The compile-time error: its type is the context the fields read. */
        readonly 'eventContext(event) must return the context the fields read (fieldsWithContext<T>)': FieldsContext<P>;
      }
  : unknown;

/** Compile-time completeness of an extractor: `fields` with its signature, and its context. */
export type ExtractionCheck<P> = P extends {
  /** Set on the classes `FieldExtraction` returns. */
  readonly '~capability.extraction': true;
}
  ? Require<
      HasMethod<P, 'fields', () => readonly FieldDefinition<never>[]>,
      'fields(): readonly FieldDefinition[]'
    > &
      ContextCheck<P>
  : unknown;

/** What field extraction adds to a plugin's registration: what the host reads without a plugin state. */
export interface ExtractionRegistration {
  /** The JSON of `get_fields` (`[]` without extraction). */
  readonly fieldsJson: string;
  /**
   * The event sources extraction accepts, as `get_extract_event_sources` returns them (JSON array). Empty
   * means the host's default: the plugin's own source for a source plugin, every source otherwise.
   */
  readonly extractEventSourcesJson: string;
  /** The event types extraction accepts (`get_extract_event_types`): the declared ones, or plugin events. */
  readonly extractEventTypes: readonly number[];
}

/** The problems of the plugin info for field extraction (`has`: whether the plugin composes it). */
export function checkExtractionInfo(info: PluginInfo, has: boolean, problems: string[]): void {
  if (info.extractEventSources !== undefined) {
    if (!has) problems.push('extractEventSources is only for plugins with FieldExtraction');
    if (
      !Array.isArray(info.extractEventSources) ||
      info.extractEventSources.some((s) => typeof s !== 'string' || s === '')
    ) {
      problems.push('extractEventSources must be an array of non-empty strings');
    }
  }
  const types = info.extractEventTypes;
  if (types !== undefined && !has)
    problems.push('extractEventTypes is only for plugins with FieldExtraction');
  if (
    types !== undefined &&
    (!Array.isArray(types) ||
      types.length === 0 ||
      types.some((t) => !Number.isInteger(t) || t < 0 || t > 0xffff))
  ) {
    problems.push(
      'extractEventTypes must be a non-empty array of event type codes (integers from 0 to 65535)',
    );
  }
}

/**
 * Validates the declared fields of `sample` (an instance of the plugin class) and returns what extraction
 * adds to the registration; without extraction, its empty form.
 *
 * @throws Error naming the plugin and the problem.
 */
export function registerExtraction(
  sample: BasePlugin,
  info: PluginInfo & { readonly requiredApiVersion: string },
  has: boolean,
): ExtractionRegistration {
  const extractEventSourcesJson = JSON.stringify(info.extractEventSources ?? []);
  if (!has) return { fieldsJson: '[]', extractEventSourcesJson, extractEventTypes: [PLUGIN_EVENT_TYPE] };
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
  if (fields.some((f) => f.addOutput) && checkRequiredApiVersion(info.requiredApiVersion).minor < 8) {
    throw new Error(
      `plugin ${info.name}: addOutput needs plugin API 3.8.0 or later, it requires ${info.requiredApiVersion}`,
    );
  }
  return {
    fieldsJson: fieldsToJson(fields),
    extractEventSourcesJson,
    extractEventTypes: [...new Set(info.extractEventTypes ?? [PLUGIN_EVENT_TYPE])].sort((a, b) => a - b),
  };
}
