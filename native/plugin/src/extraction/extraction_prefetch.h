// Extraction ahead of the host's calls (the native half of lib/capabilities/extraction/prefetch.ts).
//
// libsinsp asks the same few fields of every event. The plugin layer learns which from the host's
// extract_fields calls; right after each next_batch the symbols layer computes the fields asked for
// most events, for every event of the batch, in one call; the host's later calls on those events are
// answered from that index without entering JavaScript. Anything not computed (an error, a value only
// the host's call knows, a field that opts out) goes to JavaScript as before, so the answers are the
// same as one call per field.
#pragma once

#include <falco_plugin_api.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace falco_ts {

class ExtractionPrefetch {
 public:
  // A prefetched result: `count` values laid out as in the Results buffer from `data`.
  struct Result {
    const uint8_t* data = nullptr;
    size_t size = 0;  // bytes from `data` to the end of the values buffer
    int32_t count = 0;
    bool has_offsets = false;
  };

  // Serialises the host's extraction with the index's updates (next_batch may run on another thread).
  std::mutex& mutex() { return mutex_; }

  // Where the symbols layer put the index (id 0) and the values (id 1). Called under mutex().
  void Adopt(int32_t id, uint8_t* data, size_t size);

  // A field the host asked for that was not answered from the index.
  void Learn(const ss_plugin_extract_field& field, bool want_offsets);

  // At each next_batch: the keys asked for at least half of the last batch's events become active,
  // those asked for less than a quarter inactive. True when the active set changed; `json` is then
  // what setPrefetchKeys takes.
  bool Rebalance(std::string* json);

  // A next_batch returned `events` events (the usage ratios are per batch).
  void Delivered(size_t events);
  // The events of the batch just returned, indexed by the symbols layer (false: the index does not
  // match them, nothing is answered from it).
  bool Indexed(const std::vector<ss_plugin_event*>& events);
  // Forgets the index (a failed next_batch, or a closed instance).
  void Invalidate();
  // Stops prefetching for good (the prefetch call itself failed: a deadline, the heap limit).
  void Disable();

  bool has_active_keys() const { return active_ > 0 && !disabled_; }

  // The result of `field` for `evt` when the index has it; counts the use.
  bool Find(const ss_plugin_event* evt, const ss_plugin_extract_field& field, bool want_offsets, Result* out);

 private:
  struct Key {
    uint32_t field_id = 0;
    bool arg_present = false;
    uint64_t arg_index = 0;
    std::string arg_key;
    bool want_offsets = false;
    bool active = false;
    bool never = false;        // the symbols layer said it cannot be computed ahead
    uint32_t asked = 0;        // times asked during the current batch
    int32_t slot = -1;         // position in the index while active
  };
  static constexpr size_t kMaxKeys = 64;
  static constexpr size_t kMaxActiveKeys = 32;

  Key* Match(const ss_plugin_extract_field& field, bool want_offsets);
  bool LocateEvent(const ss_plugin_event* evt, size_t* index);

  std::mutex mutex_;
  std::vector<Key> keys_;
  std::vector<int32_t> active_order_;  // key indexes in index order
  size_t active_ = 0;
  bool disabled_ = false;
  // The indexed batch.
  std::vector<const ss_plugin_event*> events_;
  size_t hint_ = 0;
  size_t batch_events_ = 0;  // events of the last batch, for the usage ratios
  uint8_t* index_ = nullptr;
  size_t index_size_ = 0;
  uint8_t* values_ = nullptr;
  size_t values_size_ = 0;
};

}  // namespace falco_ts
