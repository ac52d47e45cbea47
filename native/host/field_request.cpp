#include "field_request.hpp"

#include <cctype>

#include "common.hpp"

namespace fph {

namespace {

std::string trim(const std::string& s) {
    size_t b = 0;
    size_t e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) b++;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) e--;
    return s.substr(b, e - b);
}

// libsinsp's index rule: digits only, no leading zero (except "0" itself),
// representable on 64 bits. Returns an error message, or "" if valid.
std::string parse_index(const std::string& arg, uint64_t& out) {
    if (arg.empty() || (arg.size() > 1 && arg[0] == '0')) {
        return " has an invalid index argument starting with 0: ";
    }
    for (char c : arg) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return " has an invalid index argument not composed only by digits: ";
        }
    }
    uint64_t v = 0;
    for (char c : arg) {
        const auto d = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return " has an invalid index argument not representable on 64 bit: ";
        }
        v = v * 10 + d;
    }
    out = v;
    return std::string();
}

}  // namespace

std::vector<std::string> split_field_list(const std::string& list) {
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    for (char c : list) {
        if (c == '[') depth++;
        if (c == ']' && depth > 0) depth--;
        if (c == ',' && depth == 0) {
            out.push_back(trim(cur));
            cur.clear();
            continue;
        }
        cur.push_back(c);
    }
    out.push_back(trim(cur));
    for (const auto& f : out) {
        if (f.empty()) {
            throw HostError("empty field name in field list '" + list + "'");
        }
    }
    return out;
}

std::vector<FieldPlan> plan_fields(const std::vector<std::string>& tokens,
                                   const std::vector<const PluginLibrary*>& plugins,
                                   const std::string& source) {
    std::vector<FieldPlan> plans;
    for (const auto& token : tokens) {
        FieldPlan plan;
        plan.text = token;

        // name and optional argument
        std::string name = token;
        std::string arg;
        const size_t open = token.find('[');
        if (open != std::string::npos) {
            name = token.substr(0, open);
            if (open + 1 >= token.size()) {
                throw HostError("field '" + token + "': " + name +
                                " terminates with incomplete argument brackets");
            }
            const size_t close = token.find(']', open + 1);
            if (close == std::string::npos) {
                throw HostError("field '" + token + "': " + name +
                                " has unbalanced argument brackets");
            }
            if (close + 1 != token.size()) {
                throw HostError("field '" + token + "': unexpected characters after the argument");
            }
            arg = token.substr(open + 1, close - open - 1);
            plan.arg_present = true;
        }

        // routing: first compatible plugin that declares the field
        const FieldInfo* info = nullptr;
        const PluginLibrary* incompatible = nullptr;
        for (size_t i = 0; i < plugins.size(); i++) {
            const auto* lib = plugins[i];
            if (!lib->has(CAP_EXTRACTION)) continue;
            const FieldInfo* f = lib->find_field(name);
            if (f == nullptr) continue;
            if (!lib->extract_compatible(source)) {
                if (incompatible == nullptr) incompatible = lib;
                continue;
            }
            info = f;
            plan.plugin = i;
            break;
        }
        if (info == nullptr) {
            if (incompatible != nullptr) {
                std::string srcs;
                for (const auto& s : incompatible->extract_event_sources()) {
                    srcs += (srcs.empty() ? "" : ", ") + s;
                }
                throw HostError("field '" + name + "' is provided by plugin " +
                                incompatible->name() +
                                ", which does not extract from event source '" + source +
                                "' (it extracts from: " + srcs + ")");
            }
            std::string avail;
            for (const auto* lib : plugins) {
                if (!lib->has(CAP_EXTRACTION) || !lib->extract_compatible(source)) continue;
                for (const auto& f : lib->fields()) {
                    avail += (avail.empty() ? "" : ", ") + f.name;
                    if (f.arg_required) {
                        avail += "[<arg>]";
                    }
                }
            }
            throw HostError("unknown field '" + name + "'; available fields: " +
                            (avail.empty() ? std::string("(none)") : avail));
        }
        plan.info = info;

        // argument checks, in libsinsp's order
        if (plan.arg_present) {
            if (!info->arg_allowed() && !info->arg_required) {
                throw HostError("field '" + token + "': " + info->name +
                                " does not allow nor require an argument but one is provided: " +
                                arg);
            }
            if (info->arg_index) {
                const std::string err = parse_index(arg, plan.arg_index);
                if (!err.empty()) {
                    plan.arg_index = UINT64_MAX;
                    if (!info->arg_key) {
                        throw HostError("field '" + token + "': " + info->name + err + arg);
                    }
                }
            }
            if (info->arg_key) {
                plan.has_arg_key = true;
                plan.arg_key = arg;
            }
        } else if (info->arg_required) {
            throw HostError("field '" + token + "': " + info->name +
                            " requires an argument but none provided");
        }
        plans.push_back(std::move(plan));
    }
    return plans;
}

}  // namespace fph
