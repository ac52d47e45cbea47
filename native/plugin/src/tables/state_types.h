// The state type codes of the plugin API (ss_plugin_state_type), their names, and the values of keys
// and fields as they cross between the binding, the host's tables and the plugin's own tables.
#pragma once

#include <falco_plugin_api.h>

#include <cstdint>
#include <string>

namespace falco_ts {
namespace tables {

// No type known (the key of a host sub-table: the API does not tell it).
constexpr ss_plugin_state_type kUnknownType = static_cast<ss_plugin_state_type>(0);

// A type a key or a scalar field can have (every state type but table).
bool IsScalarType(int type);
// True for int8 .. uint64.
bool IsIntegerType(ss_plugin_state_type type);
bool IsSignedType(ss_plugin_state_type type);
// "int64", "string", ...; "type <n>" for a code the API does not define.
std::string TypeName(int type);

// A key or a field value: integers as their 64-bit two's complement (sign-extended for the signed
// types), booleans as 0/1, strings in `text`. `type` is what the value is (for a key of a host
// sub-table, what the JavaScript value was).
struct StateValue {
  ss_plugin_state_type type = kUnknownType;
  uint64_t bits = 0;
  std::string text;
};

// The union the host's functions take; `value.text` must outlive it for a string.
ss_plugin_state_data ToStateData(const StateValue& value);
// A value of type `type` the host wrote into `data` (NULL strings read as "").
StateValue FromStateData(ss_plugin_state_type type, const ss_plugin_state_data& data);

// How a key appears in messages: 42, -1, abc, true.
std::string Describe(const StateValue& value);

}  // namespace tables
}  // namespace falco_ts
