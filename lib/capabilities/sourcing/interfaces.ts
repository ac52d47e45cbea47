/**
 * The small interfaces of event sourcing and of source instances, at the granularity of the Go SDK.
 * `BaseInstance` implements the boilerplate ones.
 */
import type { BatchSentinel } from '../../sdk/errors';
import type { EventBatch } from '../../sdk/event-batch';
import type { EventReader } from '../../sdk/event-reader';

/** Opening a capture: returns the instance that produces events. */
export interface Open<I extends NextBatch = NextBatch, P = string> {
  /**
   * Opens a capture (`plugin_open`) and returns the instance whose `nextBatch` produces its events,
   * possibly through a Promise. A plugin state may have several instances open at once.
   *
   * @param params - the open params as the host passes them (a string whose format the plugin defines), or
   * the value `openParamsSchema` parsed from them when the plugin declares one.
   * @throws Error to fail `plugin_open` with the error's message (a rejected Promise does the same).
   */
  open(params: P): I | Promise<I>;
}

/** A suggested value for the open params (`list_open_params`). */
export interface OpenParamSuggestion {
  /** A string usable as the open params, e.g. a file path or a URL. */
  readonly value: string;
  /** What the value opens, for the user (default: empty). */
  readonly desc?: string;
  /** The separator between the open params when `value` concatenates several, e.g. `;` (default: empty). */
  readonly separator?: string;
}

/** The open params a user may choose from. */
export interface OpenParams {
  /**
   * The suggested open params, as `plugin_list_open_params` returns them (JSON), possibly through a
   * Promise. Without this method the list is empty.
   *
   * @throws Error to fail `plugin_list_open_params` with the error's message.
   */
  openParams(): readonly OpenParamSuggestion[] | Promise<readonly OpenParamSuggestion[]>;
}

/** What `nextBatch` may return: nothing (success), or a sentinel. */
export type BatchOutcome = void | BatchSentinel;

/** Producing the next batch of events. */
export interface NextBatch {
  /**
   * Writes the next events of the capture into `batch` (`plugin_next_batch`; the batch is emptied before
   * each call), synchronously or through a Promise. Return nothing when events were written (with none,
   * the host is told TIMEOUT), `TIMEOUT` when no event is ready now (the host calls again later), or `EOF`
   * when the source is exhausted: EOF is sticky, the SDK answers every later call with EOF without calling
   * `nextBatch` again. Events written in the same call as a sentinel or an error are delivered first. The
   * host reads the events in place until the next call on this instance.
   *
   * @throws Error to fail the call with the error's message, after the events already written;
   * `EndOfStreamError` and `BatchTimeoutError` mean EOF and TIMEOUT instead.
   */
  nextBatch(batch: EventBatch): BatchOutcome | Promise<BatchOutcome>;
}

/** Release of an instance's resources at `close`. */
export interface Closer {
  /**
   * Called once when the host closes the instance (`plugin_close`), and for the instances still open when
   * the plugin is destroyed. May return a Promise; a failure is logged, since `plugin_close` reports none.
   */
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
  /**
   * How far the capture got, for `plugin_get_progress`; synchronous. The value is clamped to [0, 1]; without
   * a `detail`, the host shows the percentage (`12.50%`). A failure is logged once per capture and the host
   * shows `progress unavailable: <message>`.
   */
  progress(): Progress;
}

/** The text form of an event (`evt.plugininfo`). */
export interface Stringer {
  /**
   * The text of one of the plugin's events (`plugin_event_to_string`), which Falco shows as
   * `evt.plugininfo`. The host asks it only of a plugin with its own event source (an `id` and an
   * `eventSource`). Without this method the text is empty.
   *
   * @throws Error to fail the call: the text is then `error: <message>`.
   */
  eventToString(event: EventReader): string;
}
