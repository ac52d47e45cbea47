#include "extraction_driver.hpp"

#include <cstring>

#include "common.hpp"
#include "json_text.hpp"

namespace fph {

namespace {

// libsinsp passes the raw EPF_IS_LIST flag bit (1 << 6) as flist.
constexpr ss_plugin_bool kListFlag = 1u << 6;

}  // namespace

ExtractionDriver::ExtractionDriver(const std::vector<FieldPlan>& plans,
                                   const ExtractionOptions& options, ErrorReporter& errors)
    : plans_(plans), options_(options), errors_(errors), fields_(plans.size()) {}

void ExtractionDriver::attach(size_t plugin, PluginState& state) {
    const PluginLibrary& lib = state.lib();
    if (!lib.has(CAP_EXTRACTION)) return;

    // Event types for extraction, resolved after init as libsinsp does.
    event_types_.push_back(std::make_unique<EventTypes>());
    EventTypes& types = *event_types_.back();
    const auto& api = lib.api();
    if (!read_event_types(api.get_extract_event_types, state.state(), types)) {
        if (lib.extract_compatible(kSyscallSource)) {
            types.set();
        } else {
            types.set(FALCO_PLUGIN_EVENT_TYPE_PLUGIN);
        }
    }

    for (size_t i = 0; i < fields_.size(); i++) {
        const auto& plan = plans_[i];
        if (plan.plugin != plugin) continue;
        auto& b = fields_[i];
        b.plan = &plan;
        b.st = &state;
        b.types = &types;
        b.extract = api.extract_fields;
        b.tmpl.field_id = plan.info->id;
        b.tmpl.field = plan.info->name.c_str();
        b.tmpl.arg_key = plan.has_arg_key ? plan.arg_key.c_str() : nullptr;
        b.tmpl.arg_index = plan.arg_index;
        b.tmpl.arg_present = plan.arg_present ? 1 : 0;
        b.tmpl.ftype = plan.info->ftype;
        b.tmpl.flist = plan.info->is_list ? kListFlag : 0;
        b.use_offsets = options_.offsets && lib.supports_value_offsets();
        b.in.owner = state.owner().as_owner();
        b.in.get_owner_last_error = &Owner::get_owner_last_error;
        b.in.num_fields = 1;
        b.in.fields = &b.ef;
        b.in.table_reader = state.owner().table_reader();
        b.in.table_reader_ext = state.owner().table_reader_ext();
        b.in.value_offsets = b.use_offsets ? &b.offs : nullptr;
    }
}

void ExtractionDriver::extract(const DeliveredEvent& event, std::string* out) {
    const bool json = options_.json;
    const uint64_t evtnum = event.evtnum();
    const bool output_event = evtnum % options_.output_every == 0;
    for (auto& b : fields_) {
        if (b.plan->output && !output_event) continue;
        if (out != nullptr) {
            if (json) {
                *out += ',';
                append_json_string(*out, b.plan->text);
                *out += ':';
            } else {
                *out += ' ';
                *out += b.plan->text;
                *out += '=';
            }
        }
        // events of types the plugin does not extract from have no value
        if (!b.types->test(event.type)) {
            if (out != nullptr) *out += json ? "null" : "<NA>";
            continue;
        }
        b.ef = b.tmpl;
        b.offs.start = nullptr;
        b.offs.length = nullptr;
        ss_plugin_rc rc;
        Owner& owner = b.st->owner();
        owner.begin_call(TableCall::ExtractFields);
        if (options_.timed) {
            const auto t1 = Clock::now();
            rc = b.extract(b.st->state(), &event.input, &b.in);
            counts_.ns += elapsed_ns(t1, Clock::now());
        } else {
            rc = b.extract(b.st->state(), &event.input, &b.in);
        }
        owner.end_call();
        counts_.calls++;
        if (rc != SS_PLUGIN_SUCCESS) {
            errors_.report("extract_fields failed for field '" + b.plan->text + "' on event " +
                           std::to_string(evtnum) + " (plugin " + b.st->lib().name() +
                           (rc == SS_PLUGIN_FAILURE ? std::string()
                                                    : ", rc " + std::to_string(static_cast<int>(rc))) +
                           "): " + b.st->last_error());
            if (out != nullptr) *out += json ? "null" : "<NA>";
            continue;
        }
        std::string err;
        const size_t mark = out != nullptr ? out->size() : 0;
        if (!append_value(b, event.len, out, err)) {
            if (out != nullptr) {
                out->resize(mark);
                *out += json ? "null" : "<NA>";
            }
            errors_.report("field '" + b.plan->text + "' on event " + std::to_string(evtnum) +
                           " (plugin " + b.st->lib().name() + "): " + err);
        } else if (out != nullptr && json && options_.print_offsets) {
            append_offsets(b, *out);
        }
    }
}

// --print-offsets: "<field>@offsets":[[start,length],...] after the value, when the plugin set them.
void ExtractionDriver::append_offsets(const BoundField& b, std::string& out) {
    if (!b.use_offsets || b.offs.start == nullptr || b.offs.length == nullptr || b.ef.res_len == 0) return;
    out += ',';
    append_json_string(out, b.plan->text + "@offsets");
    out += ":[";
    for (uint64_t i = 0; i < b.ef.res_len; i++) {
        if (i > 0) out += ',';
        out += '[';
        append_u64(out, b.offs.start[i]);
        out += ',';
        append_u64(out, b.offs.length[i]);
        out += ']';
    }
    out += ']';
}

// Validates the extraction result and, if out is set, appends it.
bool ExtractionDriver::append_value(const BoundField& b, uint32_t evt_len, std::string* out,
                                    std::string& err) const {
    const auto& ef = b.ef;
    const bool json = options_.json;
    const bool list = b.plan->info->is_list;
    if (ef.res_len == 0) {
        // no value, lists included (libsinsp's extraction fails then)
        if (out != nullptr) *out += json ? "null" : "<NA>";
        return true;
    }
    if (!list && ef.res_len > 1) {
        err = "plugin returned " + std::to_string(ef.res_len) + " values for a non-list field";
        return false;
    }
    if (ef.res.u64 == nullptr) {
        err = "plugin returned res_len " + std::to_string(ef.res_len) +
              " with a NULL result array";
        return false;
    }
    if (b.use_offsets && b.offs.start != nullptr && b.offs.length != nullptr) {
        for (uint64_t i = 0; i < ef.res_len; i++) {
            const uint64_t s = b.offs.start[i];
            const uint64_t l = b.offs.length[i];
            if (!(s == 0 && l == 0) && s + l > evt_len) {
                err = "value offset {" + std::to_string(s) + ", " + std::to_string(l) +
                      "} is outside the event (len " + std::to_string(evt_len) + ")";
                return false;
            }
        }
    }
    if (out != nullptr && list) *out += json ? '[' : '(';
    for (uint64_t i = 0; i < ef.res_len; i++) {
        if (out != nullptr && i > 0) *out += ',';
        switch (ef.ftype) {
        case FTYPE_UINT64:
        case FTYPE_RELTIME:
        case FTYPE_ABSTIME:
            if (out != nullptr) append_u64(*out, ef.res.u64[i]);
            break;
        case FTYPE_BOOL:
            if (out != nullptr) *out += ef.res.boolean[i] != 0 ? "true" : "false";
            break;
        case FTYPE_STRING: {
            const char* s = ef.res.str[i];
            if (s == nullptr) {
                err = "plugin returned a NULL string";
                return false;
            }
            const size_t n = std::strlen(s);  // as libsinsp does
            if (out != nullptr) {
                if (json) {
                    append_json_string(*out, std::string_view(s, n));
                } else {
                    append_text(*out, std::string_view(s, n));
                }
            }
            break;
        }
        case FTYPE_IPADDR:
        case FTYPE_IPNET: {
            const auto& buf = ef.res.buf[i];
            if (buf.ptr == nullptr) {
                err = "plugin returned a NULL address buffer";
                return false;
            }
            if (out != nullptr) {
                std::string text;
                const bool ok = ef.ftype == FTYPE_IPADDR ? format_ip(text, buf.ptr, buf.len)
                                                         : format_ipnet(text, buf.ptr, buf.len);
                if (!ok) {
                    err = "address of incorrect size " + std::to_string(buf.len);
                    return false;
                }
                if (json) {
                    append_json_string(*out, text);
                } else {
                    *out += text;
                }
            } else if (!(buf.len == 4 || buf.len == 16 ||
                         (ef.ftype == FTYPE_IPNET && (buf.len == 8 || buf.len == 32)))) {
                err = "address of incorrect size " + std::to_string(buf.len);
                return false;
            }
            break;
        }
        default:
            err = "unsupported field type " + std::to_string(ef.ftype);
            return false;
        }
    }
    if (out != nullptr && list) *out += json ? ']' : ')';
    return true;
}

}  // namespace fph
