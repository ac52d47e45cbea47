import { BufferKind, ControlF64, ControlI32, ControlU64 } from '../symbols/exchange-layout';
import type { PluginSymbols } from '../symbols/plugin-symbols';
import { ReturnCode } from '../symbols/return-codes';
import { decodeOffsets, decodeResults } from './decode';
import type { FieldSelector } from './field-selector';
import type { HarnessMemory } from './harness-memory';
import { PluginCallError, type ExtractedValue } from './harness-types';

/**
 * The harness's driver of field extraction: one `extract_fields` call for one field of the event in the
 * Event buffer, with the request in the control block as libsinsp passes it, and the values decoded.
 *
 * @throws PluginCallError when the plugin fails (its last error), or returns several values for a
 * non-list field.
 */
export function extractField(
  symbols: PluginSymbols,
  memory: HarnessMemory,
  selector: FieldSelector,
  wantOffsets: boolean,
): { value: ExtractedValue; offsets: { start: number; length: number }[] | undefined } {
  const control = symbols.control;
  control[ControlI32.FieldId] = selector.fieldId;
  control[ControlI32.ArgPresent] = selector.argPresent ? 1 : 0;
  control[ControlI32.WantOffsets] = wantOffsets ? 1 : 0;
  new Float64Array(control.buffer)[ControlF64.ArgIndex] = selector.argIndex;
  new BigUint64Array(control.buffer)[ControlU64.ArgIndexExact] = selector.argIndexExact;
  const rc = symbols.requireExtraction().extract(selector.argKey);
  if (rc !== ReturnCode.Success) throw new PluginCallError('extract_fields', symbols.getLastError());
  const count = control[ControlI32.ResultCount];
  const results = memory.get(BufferKind.Results);
  const values = decodeResults(results, selector.field.type, count);
  const offsets = control[ControlI32.ResultHasOffsets] ? decodeOffsets(results, count) : undefined;
  if (!selector.field.isList && count > 1) {
    throw new PluginCallError(
      'extract_fields',
      `non-list field ${selector.field.name} returned ${count} values`,
    );
  }
  return { value: count === 0 ? undefined : selector.field.isList ? values : values[0], offsets };
}
