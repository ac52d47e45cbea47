import type { PluginInfo } from '../../plugins/interfaces';
import type { HasMethod, Require } from '../registration-types';
import type { NextBatch } from './interfaces';

/** Compile-time completeness of an event source: `open` with its signature. */
export type SourcingCheck<P> = P extends { readonly '~capability.sourcing': true }
  ? Require<
      HasMethod<P, 'open', (params: never) => NextBatch | Promise<NextBatch>>,
      'open(params: OpenParams): NextBatch | Promise<NextBatch>'
    >
  : unknown;

/** The problems of the plugin info for event sourcing (`has`: whether the plugin composes it). */
export function checkSourcingInfo(info: PluginInfo, has: boolean, problems: string[]): void {
  if (has) {
    if (!info.id) problems.push('an event source needs a non-zero id (999 is reserved for development)');
    if (!info.eventSource) problems.push('an event source needs eventSource');
    if (info.eventSource === 'syscall') problems.push('eventSource "syscall" is reserved for the host');
  } else if (info.eventSource !== undefined || info.id !== undefined) {
    problems.push('id and eventSource are only for plugins with EventSourcing');
  }
}
