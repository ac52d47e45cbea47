// Handles that belong to one host call (entries, sub-tables): a slot index, the slot's reuse count and
// the call's generation packed into one integer JavaScript holds exactly (below 2^52). A handle of an
// earlier call, of a slot since reused, or never given is recognised as such; nothing it named is
// followed.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "tables/table_error.h"

namespace falco_ts {
namespace tables {

namespace handle_bits {
constexpr int kSlotBits = 20;
constexpr int kSequenceBits = 8;
constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
constexpr uint64_t kSequenceMask = (uint64_t{1} << kSequenceBits) - 1;
constexpr uint32_t kGenerationMask = (uint32_t{1} << 24) - 1;
// Handles below this are not per-call ones (a lasting table handle, or garbage): generations start at 1.
constexpr uint64_t kFirstCallHandle = uint64_t{1} << (kSlotBits + kSequenceBits);

inline uint64_t Pack(uint32_t generation, uint32_t sequence, uint32_t slot) {
  return ((uint64_t{generation} << kSequenceBits | (sequence & kSequenceMask)) << kSlotBits) | slot;
}
inline uint32_t GenerationOf(uint64_t handle) {
  return static_cast<uint32_t>(handle >> (kSlotBits + kSequenceBits));
}
inline uint32_t SequenceOf(uint64_t handle) { return static_cast<uint32_t>((handle >> kSlotBits) & kSequenceMask); }
inline uint32_t SlotOf(uint64_t handle) { return static_cast<uint32_t>(handle & kSlotMask); }
}  // namespace handle_bits

// Why a handle names nothing live.
enum class HandleState : uint8_t {
  kLive,
  kOtherCall,  // given in an earlier call (or the slots were reset since)
  kEnded,      // its slot was freed in this call; `reason` says why when the slot was not reused since
  kUnknown,    // never given
};

template <typename T>
class CallSlots {
 public:
  // A handle for `value` in the call of `generation`. Throws when a call holds too many.
  uint64_t Add(T value, uint32_t generation) {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      if (slots_.size() > handle_bits::kSlotMask) Fail("too many table entries and sub-tables held in one call");
      index = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& slot = slots_[index];
    slot.used = true;
    slot.value = std::move(value);
    return handle_bits::Pack(generation, slot.sequence, index);
  }

  // The value of a live handle, or null with *state (and *reason, the `reason` given to Free).
  T* Find(uint64_t handle, uint32_t generation, HandleState* state, uint8_t* reason = nullptr) {
    if (handle < handle_bits::kFirstCallHandle || handle >= (uint64_t{1} << 52)) {
      *state = HandleState::kUnknown;
      return nullptr;
    }
    if (handle_bits::GenerationOf(handle) != generation) {
      *state = HandleState::kOtherCall;
      return nullptr;
    }
    const uint32_t index = handle_bits::SlotOf(handle);
    if (index >= slots_.size()) {
      *state = HandleState::kUnknown;
      return nullptr;
    }
    Slot& slot = slots_[index];
    const uint32_t sequence = handle_bits::SequenceOf(handle);
    if (slot.used && (slot.sequence & handle_bits::kSequenceMask) == sequence) {
      *state = HandleState::kLive;
      return &slot.value;
    }
    *state = HandleState::kEnded;
    if (reason != nullptr) {
      // freed once since this handle was given, and not reused: the reason is this handle's
      const bool last = !slot.used && ((sequence + 1) & handle_bits::kSequenceMask) ==
                                          (slot.sequence & handle_bits::kSequenceMask);
      *reason = last ? slot.reason : 0;
    }
    return nullptr;
  }

  // Frees the slot of a handle of `generation` still live (its value is reset); nothing otherwise.
  void Free(uint64_t handle, uint32_t generation, uint8_t reason) {
    HandleState state;
    if (Find(handle, generation, &state) == nullptr) return;
    Slot& slot = slots_[handle_bits::SlotOf(handle)];
    slot.used = false;
    slot.value = T();
    slot.reason = reason;
    slot.sequence++;
    free_.push_back(handle_bits::SlotOf(handle));
  }

  // Whether a handle was given since the last Reset.
  bool used() const { return !slots_.empty(); }

  // Calls `visit` on every live value, then frees every slot.
  template <typename Visit>
  void Reset(Visit&& visit) {
    for (Slot& slot : slots_) {
      if (slot.used) visit(slot.value);
    }
    slots_.clear();
    free_.clear();
  }

 private:
  struct Slot {
    T value{};
    uint32_t sequence = 0;
    bool used = false;
    uint8_t reason = 0;
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
};

}  // namespace tables
}  // namespace falco_ts
