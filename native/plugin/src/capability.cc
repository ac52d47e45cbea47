#include "capability.h"

#include <vector>

namespace falco_ts {

namespace {

struct Registered {
  CapabilityRegistration::Factory factory;
  uint32_t payload_flag;
};

// Filled while the library is loaded (the registrations' static initialisation), read-only afterwards.
std::vector<Registered>& Factories() {
  static std::vector<Registered> factories;
  return factories;
}

}  // namespace

CapabilityRegistration::CapabilityRegistration(Factory factory, uint32_t payload_flag) : slot_(Factories().size()) {
  Factories().push_back({factory, payload_flag});
}

size_t CapabilityRegistration::count() { return Factories().size(); }

CapabilityRegistration::Factory CapabilityRegistration::factory(size_t slot) { return Factories()[slot].factory; }

uint32_t CapabilityRegistration::payload_flag(size_t slot) { return Factories()[slot].payload_flag; }

}  // namespace falco_ts
