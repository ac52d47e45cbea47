// Mirror of lib/symbols/exchange-layout.ts: the memory the plugin layer shares with the symbols layer.
// Every constant here must equal its TypeScript twin (checked by __tests__/native/exchange-layout.test.ts).
#pragma once

#include <cstddef>
#include <cstdint>

namespace falco_ts {
namespace exchange {

enum class BufferKind : int32_t {
  kControl = 0,
  kEvent = 1,
  kResults = 2,
  kBatch = 3,
  kPrefetch = 4,
  kMetrics = 5,
};

// The last kind (the range adopt accepts).
constexpr int32_t kLastBufferKind = static_cast<int32_t>(BufferKind::kMetrics);

// The Metrics buffer: this many float64 slots, one per declared metric.
constexpr size_t kMaxMetrics = 64;

// Ids of the two Prefetch buffers.
constexpr int32_t kPrefetchIndexId = 0;
constexpr int32_t kPrefetchValuesId = 1;

constexpr size_t kControlSize = 128;

// Int32 slots of the control block.
enum ControlI32 : size_t {
  kBatchCount = 0,
  kProgressPct = 1,
  kFieldId = 2,
  kArgPresent = 3,
  kEventGeneration = 4,
  kEventLength = 5,
  kWantOffsets = 6,
  kResultCount = 7,
  kResultHasOffsets = 8,
};

// Float64 slots of the control block.
enum ControlF64 : size_t {
  kArgIndex = 8,
  kEventNumber = 9,
};

// Uint64 slots of the control block (exact values).
enum ControlU64 : size_t {
  kArgIndexExact = 10,
};

// The Prefetch index, Int32: events, keys, 2 reserved, then per event and key: status, count,
// has offsets, base of the result in the Prefetch values buffer.
constexpr size_t kPrefetchHeaderInts = 4;
constexpr size_t kPrefetchEntryInts = 4;
enum PrefetchStatus : int32_t { kPrefetchMissing = 0, kPrefetchValue = 1, kPrefetchNever = 2 };

constexpr size_t kResultSlotSize = 8;
constexpr size_t kResultFixedBytesPerValue = 16;

}  // namespace exchange
}  // namespace falco_ts
