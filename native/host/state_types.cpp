#include "state_types.hpp"

#include <string_view>

#include "json_text.hpp"

namespace fph {

const char* state_type_name(ss_plugin_state_type t) {
    switch (t) {
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
    }
    return nullptr;
}

std::string state_type_text(ss_plugin_state_type t) {
    const char* name = state_type_name(t);
    if (name != nullptr) return name;
    return std::to_string(static_cast<long long>(t)) + " (not a state type)";
}

bool is_state_type(ss_plugin_state_type t) { return state_type_name(t) != nullptr; }

namespace {

void append_i64(std::string& out, int64_t v) {
    if (v < 0) {
        out += '-';
        // negate in unsigned arithmetic: well defined for INT64_MIN too
        append_u64(out, 0 - static_cast<uint64_t>(v));
    } else {
        append_u64(out, static_cast<uint64_t>(v));
    }
}

}  // namespace

void append_state_json(std::string& out, ss_plugin_state_type t, const ss_plugin_state_data& d) {
    switch (t) {
    case SS_PLUGIN_ST_INT8: append_i64(out, d.s8); return;
    case SS_PLUGIN_ST_INT16: append_i64(out, d.s16); return;
    case SS_PLUGIN_ST_INT32: append_i64(out, d.s32); return;
    case SS_PLUGIN_ST_INT64: append_i64(out, d.s64); return;
    case SS_PLUGIN_ST_UINT8: append_u64(out, d.u8); return;
    case SS_PLUGIN_ST_UINT16: append_u64(out, d.u16); return;
    case SS_PLUGIN_ST_UINT32: append_u64(out, d.u32); return;
    case SS_PLUGIN_ST_UINT64: append_u64(out, d.u64); return;
    case SS_PLUGIN_ST_BOOL: out += d.b != 0 ? "true" : "false"; return;
    case SS_PLUGIN_ST_STRING:
        if (d.str == nullptr) {
            out += "null";
        } else {
            append_json_string(out, std::string_view(d.str));
        }
        return;
    case SS_PLUGIN_ST_TABLE: break;
    }
    out += "null";
}

}  // namespace fph
