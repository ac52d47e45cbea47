import type { PluginInfo } from '../../plugins/interfaces';
import type { HasMethod, Require } from '../registration-types';
import type { ParseContext } from './interfaces';
import type { EventReader } from '../../sdk/event-reader';

/** Compile-time completeness of a parser: `parseEvent` with its signature. */
export type ParsingCheck<P> = P extends {
  /** Set on the classes `EventParsing` returns. */
  readonly '~capability.parsing': true;
}
  ? Require<
      HasMethod<P, 'parseEvent', (event: EventReader, context: ParseContext) => void>,
      'parseEvent(event: EventReader, context: ParseContext): void'
    >
  : unknown;

/** What event parsing adds to a plugin's registration: what the host reads without a plugin state. */
export interface ParsingRegistration {
  /**
   * The event sources parsing accepts, as `get_parse_event_sources` returns them (JSON array). Empty means
   * the host's default: the plugin's own source for a source plugin, every source otherwise.
   */
  readonly parseEventSourcesJson: string;
  /** The event types parsing accepts (`get_parse_event_types`); empty means every type. */
  readonly parseEventTypes: readonly number[];
}

/** The largest event type code (`ppm_event_code` is a uint16). */
const MAX_EVENT_TYPE = 0xffff;

/** The problems of the plugin info for event parsing (`has`: whether the plugin composes it). */
export function checkParsingInfo(info: PluginInfo, has: boolean, problems: string[]): void {
  const { parseEventSources, parseEventTypes } = info;
  if (!has && (parseEventSources !== undefined || parseEventTypes !== undefined)) {
    problems.push('parseEventSources and parseEventTypes are only for plugins with EventParsing');
  }
  if (
    parseEventSources !== undefined &&
    (!Array.isArray(parseEventSources) || parseEventSources.some((s) => typeof s !== 'string' || s === ''))
  ) {
    problems.push('parseEventSources must be an array of non-empty strings');
  }
  if (
    parseEventTypes !== undefined &&
    (!Array.isArray(parseEventTypes) ||
      parseEventTypes.some((t) => !Number.isInteger(t) || t < 0 || t > MAX_EVENT_TYPE))
  ) {
    problems.push(
      `parseEventTypes must be an array of event type codes (integers from 0 to ${MAX_EVENT_TYPE})`,
    );
  }
}

/** What parsing adds to the registration; without parsing, its empty form. */
export function registerParsing(info: PluginInfo, has: boolean): ParsingRegistration {
  if (!has) return { parseEventSourcesJson: '[]', parseEventTypes: [] };
  return {
    parseEventSourcesJson: JSON.stringify(info.parseEventSources ?? []),
    parseEventTypes: [...new Set(info.parseEventTypes ?? [])].sort((a, b) => a - b),
  };
}
