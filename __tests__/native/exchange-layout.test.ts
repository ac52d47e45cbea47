/**
 * The memory layout shared by the symbols layer (TypeScript) and the plugin layer (C++) is written twice;
 * this test keeps the two in step.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BufferKind,
  CONTROL_SIZE,
  ControlF64,
  ControlI32,
  ControlU64,
  RESULT_FIXED_BYTES_PER_VALUE,
  RESULT_SLOT_SIZE,
} from '../../lib/symbols/exchange-layout';
import {
  PREFETCH_ENTRY_INTS,
  PREFETCH_HEADER_INTS,
  PREFETCH_INDEX_ID,
  PREFETCH_VALUES_ID,
  PrefetchStatus,
} from '../../lib/capabilities/extraction/prefetch';
import { MAX_METRICS } from '../../lib/capabilities/metrics/backend';

const header = readFileSync(path.resolve(__dirname, '../../native/plugin/src/exchange_layout.h'), 'utf8');

function cppValue(name: string): number {
  const match = new RegExp(`\\b${name}\\s*=\\s*(\\d+)`).exec(header);
  if (!match) throw new Error(`${name} is not defined in exchange_layout.h`);
  return Number(match[1]);
}

describe('exchange layout', () => {
  it.each([
    ['kControl', BufferKind.Control],
    ['kEvent', BufferKind.Event],
    ['kResults', BufferKind.Results],
    ['kBatch', BufferKind.Batch],
    ['kPrefetch', BufferKind.Prefetch],
    ['kMetrics', BufferKind.Metrics],
    ['kMaxMetrics', MAX_METRICS],
    ['kPrefetchHeaderInts', PREFETCH_HEADER_INTS],
    ['kPrefetchEntryInts', PREFETCH_ENTRY_INTS],
    ['kPrefetchMissing', PrefetchStatus.Missing],
    ['kPrefetchValue', PrefetchStatus.Value],
    ['kPrefetchNever', PrefetchStatus.Never],
    ['kPrefetchIndexId', PREFETCH_INDEX_ID],
    ['kPrefetchValuesId', PREFETCH_VALUES_ID],
    ['kBatchCount', ControlI32.BatchCount],
    ['kProgressPct', ControlI32.ProgressPct],
    ['kFieldId', ControlI32.FieldId],
    ['kArgPresent', ControlI32.ArgPresent],
    ['kEventGeneration', ControlI32.EventGeneration],
    ['kEventLength', ControlI32.EventLength],
    ['kWantOffsets', ControlI32.WantOffsets],
    ['kResultCount', ControlI32.ResultCount],
    ['kResultHasOffsets', ControlI32.ResultHasOffsets],
    ['kArgIndex', ControlF64.ArgIndex],
    ['kEventNumber', ControlF64.EventNumber],
    ['kArgIndexExact', ControlU64.ArgIndexExact],
    ['kControlSize', CONTROL_SIZE],
    ['kResultSlotSize', RESULT_SLOT_SIZE],
    ['kResultFixedBytesPerValue', RESULT_FIXED_BYTES_PER_VALUE],
  ])('%s has the same value on both sides', (name, value) => {
    expect(cppValue(name)).toBe(value);
  });

  it('keeps the Int32 and Float64 slots of the control block apart', () => {
    const int32Bytes =
      (Math.max(...Object.values(ControlI32).filter((v): v is number => typeof v === 'number')) + 1) * 4;
    const firstF64Byte =
      Math.min(...Object.values(ControlF64).filter((v): v is number => typeof v === 'number')) * 8;
    expect(int32Bytes).toBeLessThanOrEqual(firstF64Byte);
    expect((ControlF64.EventNumber + 1) * 8).toBeLessThanOrEqual(ControlU64.ArgIndexExact * 8);
    expect((ControlU64.ArgIndexExact + 1) * 8).toBeLessThanOrEqual(CONTROL_SIZE);
  });
});
