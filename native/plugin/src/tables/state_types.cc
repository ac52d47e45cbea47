#include "tables/state_types.h"

namespace falco_ts {
namespace tables {

bool IsScalarType(int type) {
  return (type >= SS_PLUGIN_ST_INT8 && type <= SS_PLUGIN_ST_STRING) || type == SS_PLUGIN_ST_BOOL;
}

bool IsIntegerType(ss_plugin_state_type type) { return type >= SS_PLUGIN_ST_INT8 && type <= SS_PLUGIN_ST_UINT64; }

bool IsSignedType(ss_plugin_state_type type) { return type >= SS_PLUGIN_ST_INT8 && type <= SS_PLUGIN_ST_INT64; }

std::string TypeName(int type) {
  switch (type) {
    case SS_PLUGIN_ST_INT8: return "int8";
    case SS_PLUGIN_ST_INT16: return "int16";
    case SS_PLUGIN_ST_INT32: return "int32";
    case SS_PLUGIN_ST_INT64: return "int64";
    case SS_PLUGIN_ST_UINT8: return "uint8";
    case SS_PLUGIN_ST_UINT16: return "uint16";
    case SS_PLUGIN_ST_UINT32: return "uint32";
    case SS_PLUGIN_ST_UINT64: return "uint64";
    case SS_PLUGIN_ST_STRING: return "string";
    case SS_PLUGIN_ST_TABLE: return "table";
    case SS_PLUGIN_ST_BOOL: return "bool";
    default: return "type " + std::to_string(type);
  }
}

ss_plugin_state_data ToStateData(const StateValue& value) {
  ss_plugin_state_data data;
  data.u64 = 0;
  switch (value.type) {
    case SS_PLUGIN_ST_INT8: data.s8 = static_cast<int8_t>(value.bits); break;
    case SS_PLUGIN_ST_INT16: data.s16 = static_cast<int16_t>(value.bits); break;
    case SS_PLUGIN_ST_INT32: data.s32 = static_cast<int32_t>(value.bits); break;
    case SS_PLUGIN_ST_INT64: data.s64 = static_cast<int64_t>(value.bits); break;
    case SS_PLUGIN_ST_UINT8: data.u8 = static_cast<uint8_t>(value.bits); break;
    case SS_PLUGIN_ST_UINT16: data.u16 = static_cast<uint16_t>(value.bits); break;
    case SS_PLUGIN_ST_UINT32: data.u32 = static_cast<uint32_t>(value.bits); break;
    case SS_PLUGIN_ST_STRING: data.str = value.text.c_str(); break;
    case SS_PLUGIN_ST_BOOL: data.b = value.bits != 0 ? 1 : 0; break;
    default: data.u64 = value.bits; break;  // uint64; a table handle never goes to the host
  }
  return data;
}

StateValue FromStateData(ss_plugin_state_type type, const ss_plugin_state_data& data) {
  StateValue value;
  value.type = type;
  switch (type) {
    case SS_PLUGIN_ST_INT8: value.bits = static_cast<uint64_t>(static_cast<int64_t>(data.s8)); break;
    case SS_PLUGIN_ST_INT16: value.bits = static_cast<uint64_t>(static_cast<int64_t>(data.s16)); break;
    case SS_PLUGIN_ST_INT32: value.bits = static_cast<uint64_t>(static_cast<int64_t>(data.s32)); break;
    case SS_PLUGIN_ST_INT64: value.bits = static_cast<uint64_t>(data.s64); break;
    case SS_PLUGIN_ST_UINT8: value.bits = data.u8; break;
    case SS_PLUGIN_ST_UINT16: value.bits = data.u16; break;
    case SS_PLUGIN_ST_UINT32: value.bits = data.u32; break;
    case SS_PLUGIN_ST_UINT64: value.bits = data.u64; break;
    case SS_PLUGIN_ST_STRING: value.text = data.str != nullptr ? data.str : ""; break;
    case SS_PLUGIN_ST_BOOL: value.bits = data.b != 0 ? 1 : 0; break;
    default: break;
  }
  return value;
}

std::string Describe(const StateValue& value) {
  switch (value.type) {
    case SS_PLUGIN_ST_STRING: return value.text;
    case SS_PLUGIN_ST_BOOL: return value.bits != 0 ? "true" : "false";
    default:
      return IsSignedType(value.type) ? std::to_string(static_cast<int64_t>(value.bits)) : std::to_string(value.bits);
  }
}

}  // namespace tables
}  // namespace falco_ts
