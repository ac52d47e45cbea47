// What a capability does around each batch the plugin's own event source delivers: the sourcing
// capability calls it from next_batch, under the call path's lock (PluginState::call_mutex); the
// extraction capability computes the fields the host will ask for ahead (extraction_prefetch.h).
#pragma once

#include <falco_plugin_api.h>

#include <cstdint>
#include <vector>

namespace falco_ts {

class BatchObserver {
 public:
  // The batch memory is about to be rewritten: nothing may be answered from the old batch any more.
  virtual void BatchWillChange() = 0;
  // next_batch of the instance with JS handle `handle` returned `events` (and did not fail).
  virtual void BatchDelivered(int32_t handle, const std::vector<ss_plugin_event*>& events) = 0;

 protected:
  ~BatchObserver() = default;
};

}  // namespace falco_ts
