/**
 * The small interfaces a plugin and its instances are composed of, at the granularity of the Go SDK.
 * `BasePlugin`, its capability mixins and `BaseInstance` implement the boilerplate ones; a plugin writes
 * the rest.
 */
import type { DeadlineCallback } from './call-deadlines';
import type { z } from 'zod';
import type { BatchSentinel } from '../sdk/errors';
import type { EventBatch } from '../sdk/event-batch';
import type { EventReader } from '../sdk/event-reader';
import type { ExtractRequest } from '../sdk/extract-request';
import type { FieldDefinition } from '../sdk/fields/field-definition';

/** Identity of a plugin: what `get_name`, `get_version` & co. return. */
export interface PluginInfo {
  /** Registered plugin id; required for event sourcing (999 is reserved for development). */
  readonly id?: number;
  /** Plugin name, unique in a Falco deployment. */
  readonly name: string;
  /** One-line description. */
  readonly description: string;
  /** Where to reach the authors (URL or e-mail). */
  readonly contact: string;
  /** The plugin's own semantic version. */
  readonly version: string;
  /** Plugin API version the plugin needs (default `3.11.0`). */
  readonly requiredApiVersion?: string;
  /** The event source a source plugin produces (`get_event_source`). */
  readonly eventSource?: string;
  /** The event sources an extractor accepts; default: its own source, or every source. */
  readonly extractEventSources?: readonly string[];
  /**
   * Deadlines of the callbacks in milliseconds (0: none), over `DEFAULT_CALL_DEADLINES_MS`. A call still
   * running at its deadline (an endless loop, a Promise that never settles) is stopped and fails with
   * `<callback> did not finish within <n> ms`; the plugin state stays usable.
   */
  readonly callDeadlinesMs?: Partial<Record<DeadlineCallback, number>>;
  /**
   * The JavaScript heap limit of each plugin state in MiB (default `DEFAULT_HEAP_LIMIT_MIB`, 0: V8's
   * default). Reaching it fails the call with `out of memory in <callback>` and stops that plugin state;
   * the host and the other plugin states go on.
   */
  readonly heapLimitMiB?: number;
}

/** Static plugin identity. */
export interface Info {
  info(): PluginInfo;
}

/** Initialization with the parsed, validated config. */
export interface Init<Config> {
  init(config: Config): void | Promise<void>;
}

/** The zod schema of the init config; the SDK generates the JSON Schema and parses the config with it. */
export interface InitSchema<S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly initSchema: S;
}

/** Release of resources when the host destroys the plugin. */
export interface Destroyer {
  destroy(): void | Promise<void>;
}

/** The message of the last failure, read by the host through `get_last_error`. */
export interface LastError {
  lastError: string;
}

/** The declared fields of an extractor. */
export interface Fields<Ctx = unknown> {
  fields(): readonly FieldDefinition<Ctx>[];
}

/** Extraction of one field per call (Go style), for fields declared without an extractor function. */
export interface Extract<Ctx = unknown> {
  extract(request: ExtractRequest<Ctx>): void;
}

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
