// The failures of the tables binding: each becomes a JavaScript exception of its kind (tables_binding.cc).
#pragma once

#include <stdexcept>
#include <string>

namespace falco_ts {
namespace tables {

class TableError : public std::runtime_error {
 public:
  enum class Kind { kError, kTypeError, kRangeError };
  TableError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// A refusal of the host or of a table (Error).
[[noreturn]] inline void Fail(const std::string& message) { throw TableError(TableError::Kind::kError, message); }
// A wrong JavaScript type, or a handle that was never given (TypeError).
[[noreturn]] inline void FailType(const std::string& message) {
  throw TableError(TableError::Kind::kTypeError, message);
}
// A value out of range for its type, an unknown type code (RangeError).
[[noreturn]] inline void FailRange(const std::string& message) {
  throw TableError(TableError::Kind::kRangeError, message);
}

}  // namespace tables
}  // namespace falco_ts
