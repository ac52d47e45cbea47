/**
 * Falco plugins in TypeScript.
 *
 * A plugin extends `BasePlugin` composed with the capabilities it has (`EventSourcing`, `FieldExtraction`,
 * `EventParsing`, `CaptureListening`, `AsyncEvents`), shares state with libsinsp and other plugins through tables (`init(config, { tables })`),
 * declares its config with zod and its fields with `field()`, and is registered with `registerPlugin`.
 *
 * @packageDocumentation
 * @module falco-plugin-sdk
 */
export { z } from 'zod';
export { BasePlugin } from './plugins/base-plugin';
export type { PluginClass, ConfiguredPlugin, ConfiguredPluginClass } from './plugins/base-plugin';
export type { PluginBase } from './capabilities/capability';
export { BaseInstance } from './plugins/base-instance';
export { EventSourcing, SOURCING } from './capabilities/sourcing/mixin';
export { FieldExtraction, EXTRACTION } from './capabilities/extraction/mixin';
export { EventParsing, PARSING } from './capabilities/parsing/mixin';
export { CaptureListening, LISTENING } from './capabilities/listening/mixin';
export { AsyncEvents, ASYNC } from './capabilities/async/mixin';
export { registerPlugin } from './plugins/registration';
export {
  DEADLINE_CALLBACKS,
  DEFAULT_CALL_DEADLINES_MS,
  MAX_CALL_DEADLINE_MS,
} from './plugins/call-deadlines';
export type { DeadlineCallback } from './plugins/call-deadlines';
export type {
  PluginRegistration,
  Capabilities,
  CapabilityCheck,
  ConfigCheck,
  SetConfigCheck,
} from './plugins/registration';
export type { SourcingCheck } from './capabilities/sourcing/registration';
export type { ExtractionCheck, ContextCheck, FieldsContext } from './capabilities/extraction/registration';
export type { ParsingCheck } from './capabilities/parsing/registration';
export type { ListeningCheck } from './capabilities/listening/registration';
export type { AsyncCheck } from './capabilities/async/registration';
export type { Require, HasMethod, MissingMethod } from './capabilities/registration-types';
export type { Info, Init, InitSchema, Destroyer, LastError, PluginInfo } from './plugins/interfaces';
export type {
  Open,
  OpenParams,
  OpenParamSuggestion,
  NextBatch,
  BatchOutcome,
  Closer,
  Progress,
  Progresser,
  Stringer,
} from './capabilities/sourcing/interfaces';
export type { Fields, Extract } from './capabilities/extraction/interfaces';
export type { ParseEvent, ParseContext } from './capabilities/parsing/interfaces';
export type {
  CaptureListen,
  CaptureListenContext,
  Routine,
  RoutineHandle,
  RoutinePool,
} from './capabilities/listening/interfaces';
export type { SetConfig } from './capabilities/config/interfaces';
export type { AsyncEventEmitter, AsyncEventSource, DumpState } from './capabilities/async/interfaces';
export * from './sdk/syscall';
export { PluginMetrics, Metric } from './capabilities/metrics/metrics';
export type { MetricSpec } from './capabilities/metrics/metrics';
export { MAX_METRICS } from './capabilities/metrics/backend';
export { Table, Entry } from './capabilities/tables/table';
export { InitTables } from './capabilities/tables/init-tables';
export type {
  InitContext,
  ImportDeclaration,
  ImportedSchema,
  ListedTable,
} from './capabilities/tables/init-tables';
export { tableSchema, subtable, readOnly, StateType } from './capabilities/tables/schema';
export type {
  TableSchema,
  ScalarType,
  SubtableType,
  ReadOnlyField,
  FieldDeclaration,
  KeyOf,
  EntryValues,
  ScalarFieldName,
  SubtableFieldName,
  FieldValueOf,
  SubtableSchemaOf,
  DeclaredType,
  ScalarValue as TableScalarValue,
} from './capabilities/tables/schema';
export { LogSeverity, PluginLogger, severityName } from './plugins/logger';
export type { LogSeverityName } from './plugins/logger';
export { EOF, TIMEOUT, Sentinel, EndOfStreamError, BatchTimeoutError } from './sdk/errors';
export type { BatchSentinel } from './sdk/errors';
export {
  EventBatch,
  EventTooLargeError,
  BatchFullError,
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_EVENT_SIZE,
} from './sdk/event-batch';
export type { BatchOptions, Timestamp } from './sdk/event-batch';
export { EventReader } from './sdk/event-reader';
export { ExtractRequest } from './sdk/extract-request';
export { field, fieldsWithContext } from './sdk/fields/field-definition';
export { jsonValueField, parseJsonPointer, resolveJsonPointer } from './sdk/fields/json-pointer';
export type { JsonValueFieldSpec } from './sdk/fields/json-pointer';
export type {
  FieldSpec,
  FieldDefinition,
  FieldArgument,
  FieldExtractor,
} from './sdk/fields/field-definition';
export { FIELD_TYPES, FIELD_PROPERTIES } from './sdk/fields/field-types';
export type {
  FieldType,
  FieldProperty,
  FieldValue,
  ScalarValue,
  ScalarValueByType,
} from './sdk/fields/field-types';
export { FieldValueError } from './capabilities/extraction/results';
export { toJsonSchema, parseJsonInput } from './sdk/json-input';
export type { JsonSchema, JsonSchemaOptions } from './sdk/json-input';
export { PLUGIN_API_VERSION, API_MINOR_NEEDED, defaultRequiredApiVersion } from './sdk/api-version';
export type { ApiNeeds } from './sdk/api-version';
export { PLUGIN_EVENT_PAYLOAD_OFFSET, PLUGIN_EVENT_TYPE } from './sdk/event-layout';
