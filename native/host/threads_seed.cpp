#include "threads_seed.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "common.hpp"
#include "host_table.hpp"
#include "state_types.hpp"
#include "threads_table.hpp"

namespace fph {

namespace {

using nlohmann::json;

std::string field_list(const Schema& schema) {
    std::string out;
    for (const auto& f : schema.fields()) {
        if (f->type == SS_PLUGIN_ST_TABLE) continue;
        if (!out.empty()) out += ", ";
        out += f->name;
    }
    return out;
}

template <typename T>
bool in_range(const json& v, T& out) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) return false;
        out = static_cast<T>(u);
        return true;
    }
    if (v.is_number_integer()) {
        const auto s = v.get<int64_t>();
        if (std::numeric_limits<T>::is_signed) {
            if (s < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
                s > static_cast<int64_t>(std::numeric_limits<T>::max())) {
                return false;
            }
        } else if (s < 0) {
            return false;
        }
        out = static_cast<T>(s);
        return true;
    }
    return false;
}

// The value of one field, checked against its type.
bool convert(const FieldDef& f, const json& v, SeedValue& out) {
    auto& d = out.data;
    switch (f.type) {
    case SS_PLUGIN_ST_INT8: return in_range(v, d.s8);
    case SS_PLUGIN_ST_INT16: return in_range(v, d.s16);
    case SS_PLUGIN_ST_INT32: return in_range(v, d.s32);
    case SS_PLUGIN_ST_INT64: return in_range(v, d.s64);
    case SS_PLUGIN_ST_UINT8: return in_range(v, d.u8);
    case SS_PLUGIN_ST_UINT16: return in_range(v, d.u16);
    case SS_PLUGIN_ST_UINT32: return in_range(v, d.u32);
    case SS_PLUGIN_ST_UINT64: return in_range(v, d.u64);
    case SS_PLUGIN_ST_BOOL:
        if (!v.is_boolean()) return false;
        d.b = v.get<bool>() ? 1 : 0;
        return true;
    case SS_PLUGIN_ST_STRING:
        if (!v.is_string()) return false;
        out.str = v.get<std::string>();
        return true;
    case SS_PLUGIN_ST_TABLE: break;
    }
    return false;
}

std::string expected_value(const FieldDef& f) {
    if (f.type == SS_PLUGIN_ST_STRING) return "a string";
    if (f.type == SS_PLUGIN_ST_BOOL) return "a boolean";
    return std::string("an integer in the range of ") + state_type_name(f.type);
}

// One object of a table's fields; `where` names it in messages.
SeedEntry parse_entry(const json& obj, const Schema& schema, const char* key_field, const char* nested,
                      const Schema* nested_schema, const std::string& where) {
    if (!obj.is_object()) throw HostError(where + " is not an object");
    SeedEntry e;
    bool has_key = false;
    for (const auto& item : obj.items()) {
        const std::string& name = item.key();
        if (nested != nullptr && name == nested) {
            if (!item.value().is_array()) {
                throw HostError(where + ": \"" + name + "\" is not an array");
            }
            std::set<int64_t> keys;
            size_t i = 0;
            for (const auto& sub : item.value()) {
                e.fds.push_back(parse_entry(sub, *nested_schema, "fd", nullptr, nullptr,
                                            where + " fds[" + std::to_string(i++) + "]"));
                if (!keys.insert(e.fds.back().key).second) {
                    throw HostError(where + ": fd " + std::to_string(e.fds.back().key) +
                                    " is listed twice");
                }
            }
            continue;
        }
        const FieldDef* f = schema.find(name);
        if (f == nullptr || f->type == SS_PLUGIN_ST_TABLE) {
            const std::string fields = field_list(schema) + (nested ? std::string(", ") + nested : "");
            throw HostError(where + ": table '" + schema.table_name() + "' has no field '" + name +
                            "' to seed (fields: " + fields + ")");
        }
        SeedValue v;
        v.field = name;
        if (!convert(*f, item.value(), v)) {
            throw HostError(where + ": field '" + name + "' of table '" + schema.table_name() + "' takes " +
                            expected_value(*f) + ", got " + item.value().dump());
        }
        if (name == key_field) {
            e.key = v.data.s64;
            has_key = true;
        }
        e.values.push_back(std::move(v));
    }
    if (!has_key) throw HostError(where + " has no \"" + std::string(key_field) + "\" (its key)");
    return e;
}

}  // namespace

ThreadsSeed parse_threads_seed(const std::string& text) {
    const json root = json::parse(text, nullptr, false);
    if (root.is_discarded()) throw HostError("not valid JSON");
    if (!root.is_array()) throw HostError("expected a JSON array of threads");
    const auto schema = make_threads_schema();
    const FieldDef* fds = schema->find(kFdsField);
    ThreadsSeed seed;
    std::set<int64_t> tids;
    size_t i = 0;
    for (const auto& obj : root) {
        seed.push_back(parse_entry(obj, *schema, "tid", "fds", fds->subtable.get(),
                                   "thread [" + std::to_string(i++) + "]"));
        if (!tids.insert(seed.back().key).second) {
            throw HostError("tid " + std::to_string(seed.back().key) + " is listed twice");
        }
    }
    return seed;
}

}  // namespace fph
