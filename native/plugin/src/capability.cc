#include "capability.h"

#include <vector>

namespace falco_ts {

namespace {

// Filled while the library is loaded (the registrations' static initialisation), read-only afterwards.
std::vector<CapabilityRegistration::Factory>& Factories() {
  static std::vector<CapabilityRegistration::Factory> factories;
  return factories;
}

}  // namespace

CapabilityRegistration::CapabilityRegistration(Factory factory) : slot_(Factories().size()) {
  Factories().push_back(factory);
}

size_t CapabilityRegistration::count() { return Factories().size(); }

CapabilityRegistration::Factory CapabilityRegistration::factory(size_t slot) { return Factories()[slot]; }

}  // namespace falco_ts
