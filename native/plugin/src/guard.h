// Every exported symbol runs its body through Guard: no C++ exception ever reaches the host.
#pragma once

#include <exception>
#include <string>

namespace falco_ts {

template <typename Body, typename OnError>
auto Guard(Body&& body, OnError&& on_error) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return on_error(std::string("internal error: ") + e.what());
  } catch (...) {
    return on_error(std::string("internal error"));
  }
}

}  // namespace falco_ts
