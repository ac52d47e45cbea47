import type { PluginInfo } from '../../plugins/interfaces';
import type { HasMethod, Require } from '../registration-types';
import type { NextBatch } from './interfaces';

/** Compile-time completeness of an event source: `open` with its signature. */
export type SourcingCheck<P> = P extends {
  /** Set on the classes `EventSourcing` returns. */
  readonly '~capability.sourcing': true;
}
  ? Require<
      HasMethod<P, 'open', (params: never) => NextBatch | Promise<NextBatch>>,
      'open(params: OpenParams): NextBatch | Promise<NextBatch>'
    >
  : unknown;

/** The problems of the plugin info for event sourcing (`has`: whether the plugin composes it). */
export function checkSourcingInfo(info: PluginInfo, has: boolean, problems: string[]): void {
  if (has) {
    // Without an id, a source produces events of the host's own source ("syscall"), of any type: a
    // replay of syscall-shaped events. With one, plugin events of its eventSource.
    if (!info.id && info.eventSource !== undefined)
      problems.push(
        'an event source with eventSource needs a non-zero id (999 is reserved for development); a source of syscall events declares neither',
      );
    if (info.id && !info.eventSource) problems.push('an event source with an id needs eventSource');
    if (info.eventSource === 'syscall') problems.push('eventSource "syscall" is reserved for the host');
  } else if (info.eventSource !== undefined || info.id !== undefined) {
    problems.push('id and eventSource are only for plugins with EventSourcing');
  }
}
