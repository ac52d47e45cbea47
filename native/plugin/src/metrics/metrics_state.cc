#include "metrics/metrics_state.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "plugin_state.h"

namespace falco_ts {

namespace {

bool KnownValueType(int t) {
  return t == SS_PLUGIN_METRIC_VALUE_TYPE_U32 || t == SS_PLUGIN_METRIC_VALUE_TYPE_S32 ||
         t == SS_PLUGIN_METRIC_VALUE_TYPE_U64 || t == SS_PLUGIN_METRIC_VALUE_TYPE_S64 ||
         t == SS_PLUGIN_METRIC_VALUE_TYPE_D;
}

// `v` as an integer of type T: truncated toward zero and clamped to T's range (NaN: 0). Converting a
// double outside the target's range is undefined behaviour, so the bounds are checked as doubles first.
template <typename T>
T Clamp(double v) {
  if (std::isnan(v)) return 0;
  const double lo = static_cast<double>(std::numeric_limits<T>::min());
  const double past = std::ldexp(1.0, std::numeric_limits<T>::digits);  // the first double past T's range
  if (v <= lo) return std::numeric_limits<T>::min();
  if (v >= past) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

ss_plugin_metric_value ToValue(double v, ss_plugin_metric_value_type type) {
  ss_plugin_metric_value out{};
  switch (type) {
    case SS_PLUGIN_METRIC_VALUE_TYPE_U32: out.u32 = Clamp<uint32_t>(v); break;
    case SS_PLUGIN_METRIC_VALUE_TYPE_S32: out.s32 = Clamp<int32_t>(v); break;
    case SS_PLUGIN_METRIC_VALUE_TYPE_S64: out.s64 = Clamp<int64_t>(v); break;
    case SS_PLUGIN_METRIC_VALUE_TYPE_D: out.d = v; break;
    default: out.u64 = Clamp<uint64_t>(v); break;
  }
  return out;
}

}  // namespace

const CapabilityRegistration MetricsState::kRegistration(
    [](PluginState& state) -> std::unique_ptr<CapabilityState> { return std::make_unique<MetricsState>(state); },
    0);

MetricsState& MetricsState::Of(PluginState& state) {
  return static_cast<MetricsState&>(state.capability(kRegistration.slot()));
}

bool MetricsState::Adopt(exchange::BufferKind kind, int32_t, uint8_t* data, size_t size) {
  if (kind != exchange::BufferKind::kMetrics) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  values_ = data;
  slots_ = std::min(size / sizeof(double), exchange::kMaxMetrics);
  return true;
}

bool MetricsState::Declare(uint32_t index, const std::string& name, int type, int value_type, std::string& error) {
  if (name.empty() || name.find('\0') != std::string::npos) {
    error = "a metric name must be a non-empty string without NUL";
    return false;
  }
  if (type != SS_PLUGIN_METRIC_TYPE_MONOTONIC && type != SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC) {
    error = "metric " + name + ": unknown metric type " + std::to_string(type);
    return false;
  }
  if (!KnownValueType(value_type)) {
    error = "metric " + name + ": unknown value type " + std::to_string(value_type);
    return false;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (index < count_) {
    const Declared& d = declared_[index];
    if (d.name == name && d.type == type && d.value_type == value_type) return true;
    error = "metric " + std::to_string(index) + " is already declared as " + d.name;
    return false;
  }
  if (index != count_ || index >= exchange::kMaxMetrics) {
    error = "metric " + name + ": index " + std::to_string(index) + " is not the next one (" +
            std::to_string(count_) + ", at most " + std::to_string(exchange::kMaxMetrics) + ")";
    return false;
  }
  Declared& d = declared_[index];
  d.name = name;
  d.type = static_cast<ss_plugin_metric_type>(type);
  d.value_type = static_cast<ss_plugin_metric_value_type>(value_type);
  count_++;
  return true;
}

double MetricsState::ValueAt(size_t index) const {
  if (values_ == nullptr || index >= slots_) return 0;
  // JavaScript stores the slot with plain 8-byte stores on its own thread: one relaxed atomic load reads
  // a whole value, never a torn one.
  const uint64_t bits =
      __atomic_load_n(reinterpret_cast<const uint64_t*>(values_ + index * sizeof(double)), __ATOMIC_RELAXED);
  double v = 0;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

ss_plugin_metric* MetricsState::Collect(uint32_t* count) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < count_; i++) {
    const Declared& d = declared_[i];
    ss_plugin_metric& m = published_[i];
    m.name = d.name.c_str();
    m.type = d.type;
    m.value_type = d.value_type;
    m.value = ToValue(ValueAt(i), d.value_type);
  }
  *count = static_cast<uint32_t>(count_);
  return published_.data();
}

}  // namespace falco_ts
