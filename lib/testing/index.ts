/**
 * The in-process test harness: drives a plugin exactly as libsinsp does, without Falco.
 *
 * @packageDocumentation
 * @module falco-plugin-sdk/testing
 */
export { PluginHarness, PluginState } from './harness';
export type { RunRow, HarnessOptions } from './harness';
export { PluginCallError } from './harness-types';
export type { CapturedEvent, ExtractedValue } from './harness-types';
export { Capture } from './sourcing-driver';
export { HarnessTables } from './tables-driver';
export { HarnessThreadPool } from './listening-driver';
export type { PublishedMetric } from './metrics-driver';
export type { ReceivedAsyncEvent } from './async-driver';
export { pluginEvent } from './plugin-event';
export type { PluginEventOptions } from './plugin-event';
export { syscallEvent } from './syscall-event';
export type { SyscallEventOptions } from './syscall-event';
export type { ThreadSeed, TableDump } from './tables-driver';
export type { BatchResult } from './sourcing-driver';
export { parseFieldSelector } from './field-selector';
export type { FieldSelector } from './field-selector';
export type { DecodedValue } from './decode';
export type { LogSink } from '../plugins/logger';
export { ReturnCode } from '../symbols/return-codes';
export type { RoutinesBackend } from '../capabilities/listening/backend';
export type { BackendValue } from '../capabilities/tables/backend';
