#include "extraction/extraction_prefetch.h"

#include <algorithm>
#include <cstring>

#include "exchange_layout.h"

namespace falco_ts {

namespace ex = exchange;

namespace {

void AppendJsonString(std::string* out, const std::string& text) {
  *out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += c;
    } else if (u < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      *out += "\\u00";
      *out += kHex[u >> 4];
      *out += kHex[u & 15];
    } else {
      *out += c;
    }
  }
  *out += '"';
}

bool SameArgument(const ss_plugin_extract_field& field, uint32_t field_id, bool arg_present, uint64_t arg_index,
                  const std::string& arg_key) {
  if (field.field_id != field_id || (field.arg_present != 0) != arg_present) return false;
  if (!arg_present) return true;
  if (field.arg_key != nullptr) return arg_key == field.arg_key;
  return arg_key.empty() && field.arg_index == arg_index;
}

}  // namespace

void ExtractionPrefetch::Adopt(int32_t id, uint8_t* data, size_t size) {
  if (id == ex::kPrefetchIndexId) {
    index_ = data;
    index_size_ = size;
  } else if (id == ex::kPrefetchValuesId) {
    values_ = data;
    values_size_ = size;
  }
}

ExtractionPrefetch::Key* ExtractionPrefetch::Match(const ss_plugin_extract_field& field, bool want_offsets) {
  for (Key& key : keys_) {
    if (key.want_offsets == want_offsets &&
        SameArgument(field, key.field_id, key.arg_present, key.arg_index, key.arg_key)) {
      return &key;
    }
  }
  return nullptr;
}

void ExtractionPrefetch::Learn(const ss_plugin_extract_field& field, bool want_offsets) {
  if (disabled_) return;
  Key* key = Match(field, want_offsets);
  if (key == nullptr) {
    if (keys_.size() >= kMaxKeys) return;
    keys_.reserve(kMaxKeys);
    Key added;
    added.field_id = field.field_id;
    added.arg_present = field.arg_present != 0;
    added.arg_index = field.arg_present != 0 && field.arg_key == nullptr ? field.arg_index : 0;
    if (field.arg_present != 0 && field.arg_key != nullptr) added.arg_key = field.arg_key;
    added.want_offsets = want_offsets;
    keys_.push_back(std::move(added));
    key = &keys_.back();
  }
  key->asked++;
}

void ExtractionPrefetch::Delivered(size_t events) { batch_events_ = events; }

bool ExtractionPrefetch::Rebalance(std::string* json) {
  if (disabled_ || batch_events_ == 0) return false;
  bool changed = false;
  for (Key& key : keys_) {
    const bool wanted = !key.never && key.asked * 2 >= batch_events_;
    const bool unwanted = key.never || key.asked * 4 < batch_events_;
    if (!key.active && wanted && active_ < kMaxActiveKeys) {
      key.active = true;
      active_++;
      changed = true;
    } else if (key.active && unwanted) {
      key.active = false;
      active_--;
      changed = true;
    }
    key.asked = 0;
  }
  if (!changed) return false;
  active_order_.clear();
  json->assign("[");
  for (size_t i = 0; i < keys_.size(); i++) {
    Key& key = keys_[i];
    key.slot = -1;
    if (!key.active) continue;
    key.slot = static_cast<int32_t>(active_order_.size());
    active_order_.push_back(static_cast<int32_t>(i));
    if (json->size() > 1) *json += ',';
    *json += "{\"id\":" + std::to_string(key.field_id) + ",\"argPresent\":" + (key.arg_present ? "true" : "false") +
             ",\"argIndex\":\"" + std::to_string(key.arg_index) + "\",\"argKey\":";
    if (key.arg_present && !key.arg_key.empty()) {
      AppendJsonString(json, key.arg_key);
    } else {
      *json += "null";
    }
    *json += ",\"wantOffsets\":";
    *json += key.want_offsets ? "true}" : "false}";
  }
  *json += ']';
  Invalidate();
  return true;
}

bool ExtractionPrefetch::Indexed(const std::vector<ss_plugin_event*>& events) {
  Invalidate();
  if (index_ == nullptr || index_size_ < ex::kPrefetchHeaderInts * 4) return false;
  int32_t header[2];
  std::memcpy(header, index_, sizeof header);
  const size_t needed = (ex::kPrefetchHeaderInts + ex::kPrefetchEntryInts * events.size() * active_) * 4;
  if (header[0] != static_cast<int32_t>(events.size()) || header[1] != static_cast<int32_t>(active_) ||
      needed > index_size_) {
    return false;
  }
  events_.assign(events.begin(), events.end());
  return true;
}

void ExtractionPrefetch::Invalidate() {
  events_.clear();
  hint_ = 0;
}

void ExtractionPrefetch::Disable() {
  disabled_ = true;
  Invalidate();
}

bool ExtractionPrefetch::LocateEvent(const ss_plugin_event* evt, size_t* index) {
  // The host reads the batch in order: the next event first, then a binary search (the events lie in
  // the batch buffer by increasing address).
  if (hint_ < events_.size() && events_[hint_] == evt) {
    *index = hint_;
  } else {
    const auto it = std::lower_bound(events_.begin(), events_.end(), evt, std::less<const ss_plugin_event*>());
    if (it == events_.end() || *it != evt) return false;
    *index = static_cast<size_t>(it - events_.begin());
  }
  hint_ = *index;
  return true;
}

bool ExtractionPrefetch::Find(const ss_plugin_event* evt, const ss_plugin_extract_field& field, bool want_offsets,
                              Result* out) {
  if (events_.empty()) return false;
  size_t e = 0;
  if (!LocateEvent(evt, &e)) return false;
  Key* key = Match(field, want_offsets);
  if (key == nullptr || !key->active || key->slot < 0) return false;
  int32_t entry[ex::kPrefetchEntryInts];
  const size_t at = (ex::kPrefetchHeaderInts + ex::kPrefetchEntryInts * (e * active_ + static_cast<size_t>(key->slot))) * 4;
  std::memcpy(entry, index_ + at, sizeof entry);
  if (entry[0] == ex::kPrefetchNever) key->never = true;
  if (entry[0] != ex::kPrefetchValue) return false;
  const auto base = static_cast<size_t>(entry[3]);
  if (entry[1] < 0 || base > values_size_) return false;
  out->data = values_ + base;
  out->size = values_size_ - base;
  out->count = entry[1];
  out->has_offsets = entry[2] != 0;
  key->asked++;
  return true;
}

}  // namespace falco_ts
