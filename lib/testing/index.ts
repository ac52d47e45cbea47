/**
 * The in-process test harness: drives a plugin exactly as libsinsp does, without Falco.
 *
 * @packageDocumentation
 */
export { PluginHarness, PluginState, Capture, PluginCallError } from './harness';
export type { CapturedEvent, ExtractedValue, RunRow, BatchResult, HarnessOptions } from './harness';
export { parseFieldSelector } from './field-selector';
export type { FieldSelector } from './field-selector';
export type { DecodedValue } from './decode';
