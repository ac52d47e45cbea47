// How the binding's JavaScript arguments and results map to handles, type codes, keys and field values
// (the contract's encoding: 8- to 32-bit integers as numbers, 64-bit ones as bigints or numbers, strings,
// booleans, a sub-table as its handle). A wrong JavaScript type is a TypeError, a value out of range for
// its type (or an unknown type code) a RangeError, each naming what was expected (`what`).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tables/owned_table.h"
#include "tables/state_types.h"

namespace falco_ts {
namespace tables {
namespace js {

// What an argument is, for messages: "<function>: <text>", "a key of table '<table>'" or "field '<field>' of
// table '<table>'". Composed only when a message is made (the binding's calls are per-event paths).
struct What {
  const char* function = nullptr;
  const char* text = nullptr;
  const std::string* table = nullptr;
  const std::string* field = nullptr;
  std::string str() const;
};
inline What Arg(const char* function, const char* text) { return {function, text, nullptr, nullptr}; }
inline What Text(const std::string& text) { return {nullptr, text.c_str(), nullptr, nullptr}; }

// A handle argument: a non-negative integer number.
uint64_t Handle(const Napi::Value& value, const What& what);
// A string argument without NUL characters (names reach the host as C strings).
std::string String(const Napi::Value& value, const What& what);
// A state type code the API defines (table included).
ss_plugin_state_type TypeCode(const Napi::Value& value, const What& what);
// A key or field value of `type` (kUnknownType: any scalar, typed by its JavaScript type).
StateValue Scalar(const Napi::Value& value, ss_plugin_state_type type, const What& what);
Napi::Value ToJs(Napi::Env env, const StateValue& value);
// addTable's field declarations (OwnedFieldSpec[]).
std::vector<OwnedFieldSpec> FieldSpecs(const Napi::Value& value, const std::string& table);

}  // namespace js
}  // namespace tables
}  // namespace falco_ts
