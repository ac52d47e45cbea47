/**
 * The small interfaces of event sourcing and of source instances, at the granularity of the Go SDK.
 * `BaseInstance` implements the boilerplate ones.
 */
import type { BatchSentinel } from '../../sdk/errors';
import type { EventBatch } from '../../sdk/event-batch';
import type { EventReader } from '../../sdk/event-reader';

/** Opening a capture: returns the instance that produces events. */
export interface Open<I extends NextBatch = NextBatch, P = string> {
  open(params: P): I | Promise<I>;
}

/** A suggested value for the open params (`list_open_params`). */
export interface OpenParamSuggestion {
  readonly value: string;
  readonly desc?: string;
  readonly separator?: string;
}

/** The open params a user may choose from. */
export interface OpenParams {
  openParams(): readonly OpenParamSuggestion[] | Promise<readonly OpenParamSuggestion[]>;
}

/** What `nextBatch` may return: nothing (success), or a sentinel. */
export type BatchOutcome = void | BatchSentinel;

/** Producing the next batch of events. */
export interface NextBatch {
  nextBatch(batch: EventBatch): BatchOutcome | Promise<BatchOutcome>;
}

/** Release of an instance's resources at `close`. */
export interface Closer {
  close(): void | Promise<void>;
}

/** How far a finite source got. */
export interface Progress {
  /** Between 0 and 1. */
  readonly value: number;
  /** Human-readable detail, e.g. `12.5%` or `file 3 of 8`. */
  readonly detail?: string;
}

/** Progress reporting of an instance. */
export interface Progresser {
  progress(): Progress;
}

/** The text form of an event (`evt.plugininfo`). */
export interface Stringer {
  eventToString(event: EventReader): string;
}
