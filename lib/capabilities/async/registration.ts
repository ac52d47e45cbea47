import type { PluginInfo } from '../../plugins/interfaces';
import type { HasMethod, Require } from '../registration-types';
import type { AsyncEventEmitter } from './interfaces';

/** Compile-time completeness of an async event producer: `startAsync` and `stopAsync` with their signatures. */
export type AsyncCheck<P> = P extends {
  /** Set on the classes `AsyncEvents` returns. */
  readonly '~capability.async': true;
}
  ? Require<
      HasMethod<P, 'startAsync', (emitter: AsyncEventEmitter) => void>,
      'startAsync(emitter: AsyncEventEmitter): void'
    > &
      Require<HasMethod<P, 'stopAsync', () => void>, 'stopAsync(): void'>
  : unknown;

/** What async events add to a plugin's registration: what the host reads without a plugin state. */
export interface AsyncRegistration {
  /** The names of the plugin's async events, as `get_async_events` returns them (JSON array). */
  readonly asyncEventsJson: string;
  /** The sources the async events go to (`get_async_event_sources`); empty means every source. */
  readonly asyncEventSourcesJson: string;
}

/** The longest async event name (the name and its NUL fit the host's 1024-byte error buffer in messages). */
const MAX_NAME_LENGTH = 256;

/** The problems of the plugin info for async events (`has`: whether the plugin composes them). */
export function checkAsyncInfo(info: PluginInfo, has: boolean, problems: string[]): void {
  const { asyncEvents, asyncEventSources } = info;
  if (!has) {
    if (asyncEvents !== undefined || asyncEventSources !== undefined)
      problems.push('asyncEvents and asyncEventSources are only for plugins with AsyncEvents');
    return;
  }
  if (!Array.isArray(asyncEvents) || asyncEvents.length === 0) {
    problems.push('asyncEvents must list the names of the async events the plugin emits');
  } else {
    for (const name of asyncEvents) {
      if (typeof name !== 'string' || name === '' || name.includes('\0') || name.length > MAX_NAME_LENGTH)
        problems.push(
          `async event name ${JSON.stringify(name)} must be 1 to ${MAX_NAME_LENGTH} characters, no NUL`,
        );
    }
    const duplicates = asyncEvents.filter((n, i) => asyncEvents.indexOf(n) !== i);
    if (duplicates.length > 0)
      problems.push(`async event names are declared twice: ${[...new Set(duplicates)].join(', ')}`);
  }
  if (
    asyncEventSources !== undefined &&
    (!Array.isArray(asyncEventSources) || asyncEventSources.some((s) => typeof s !== 'string' || s === ''))
  ) {
    problems.push('asyncEventSources must be an array of non-empty strings');
  }
}

/** What async events add to the registration; without them, its empty form. */
export function registerAsync(info: PluginInfo, has: boolean): AsyncRegistration {
  if (!has) return { asyncEventsJson: '[]', asyncEventSourcesJson: '[]' };
  return {
    asyncEventsJson: JSON.stringify(info.asyncEvents ?? []),
    asyncEventSourcesJson: JSON.stringify(info.asyncEventSources ?? []),
  };
}
