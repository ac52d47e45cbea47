#include "async_driver.hpp"

#include <algorithm>
#include <cstring>

#include "common.hpp"
#include "owner.hpp"

namespace fph {

namespace {

constexpr size_t kLengths = 4 * FALCO_PLUGIN_EVENT_ASYNC_NPARAMS;

void write_error(char* err, const std::string& msg) {
    if (err == nullptr) return;
    const size_t n = std::min(msg.size(), static_cast<size_t>(PLUGIN_MAX_ERRLEN - 1));
    std::memcpy(err, msg.data(), n);
    err[n] = '\0';
}

uint32_t read_u32(const uint8_t* p) {
    uint32_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
}

}  // namespace

AsyncDriver::~AsyncDriver() {
    try {
        close();
    } catch (...) {
    }
}

void AsyncDriver::attach(PluginState& state) {
    if (!state.lib().has(CAP_ASYNC)) return;
    // the handler finds its producer through the owner
    if (producers_.capacity() == 0) producers_.reserve(64);
    if (producers_.size() == producers_.capacity()) throw HostError("too many plugins with async events");
    producers_.push_back({this, &state, false, false});
    state.owner().bind_async(&producers_.back());
}

void AsyncDriver::open() {
    for (Producer& p : producers_) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            p.installed = true;  // before the call: the plugin may push from inside it
        }
        const auto rc = p.st->lib().api().set_async_event_handler(p.st->state(), p.st->owner().as_owner(), &handle);
        if (rc != SS_PLUGIN_SUCCESS) {
            std::lock_guard<std::mutex> lock(mutex_);
            p.installed = false;
            errors_.report("set_async_event_handler failed for plugin " + p.st->lib().name() + ": " +
                           p.st->last_error());
        }
    }
}

void AsyncDriver::close() {
    for (Producer& p : producers_) {
        if (!p.installed) continue;
        const auto rc = p.st->lib().api().set_async_event_handler(p.st->state(), p.st->owner().as_owner(), nullptr);
        if (rc != SS_PLUGIN_SUCCESS) {
            errors_.report("set_async_event_handler(NULL) failed for plugin " + p.st->lib().name() + ": " +
                           p.st->last_error());
        }
        // after the plugin returned: as libsinsp deletes its handler then
        std::lock_guard<std::mutex> lock(mutex_);
        p.installed = false;
    }
}

void AsyncDriver::dump() {
    for (Producer& p : producers_) {
        const auto fn = p.st->lib().api().dump_state;
        if (fn == nullptr) continue;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            p.dumping = true;
        }
        const auto rc = fn(p.st->state(), p.st->owner().as_owner(), &handle_dump);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            p.dumping = false;
        }
        if (rc != SS_PLUGIN_SUCCESS) {
            errors_.report("dump error for plugin '" + p.st->lib().name() + "' : " + p.st->last_error());
        }
    }
}

std::vector<AsyncEvent> AsyncDriver::take() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<AsyncEvent> out;
    out.swap(events_);
    return out;
}

template <bool Dump>
ss_plugin_rc AsyncDriver::handle_as(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err) {
    auto* p = o != nullptr ? static_cast<Producer*>(Owner::from(o)->async()) : nullptr;
    if (p == nullptr) {
        write_error(err, Dump ? "plugin without async events cap used as dumper"
                              : "plugin without async events cap used as async handler");
        return SS_PLUGIN_FAILURE;
    }
    try {
        std::string why;
        if (p->driver->receive(*p, evt, Dump, why)) return SS_PLUGIN_SUCCESS;
        write_error(err, why);
    } catch (...) {
        write_error(err, Dump ? "unknown error in dumping async event" : "unknown error in pushing async event");
    }
    return SS_PLUGIN_FAILURE;
}

ss_plugin_rc AsyncDriver::handle(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err) {
    return handle_as<false>(o, evt, err);
}

ss_plugin_rc AsyncDriver::handle_dump(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err) {
    return handle_as<true>(o, evt, err);
}

bool AsyncDriver::receive(Producer& p, const ss_plugin_event* evt, bool dump, std::string& why) {
    const std::string& plugin = p.st->lib().name();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!(dump ? p.dumping : p.installed)) {
            why = "async event sent with NULL handler: " + plugin;
            return false;
        }
    }
    const auto* bytes = reinterpret_cast<const uint8_t*>(evt);
    const std::string malformed = "malformed async event produced by plugin: " + plugin;
    if (evt == nullptr || evt->type != FALCO_PLUGIN_EVENT_TYPE_ASYNC ||
        evt->nparams != FALCO_PLUGIN_EVENT_ASYNC_NPARAMS || evt->len < FALCO_PLUGIN_EVENT_HEADER_SIZE + kLengths) {
        why = malformed;
        return false;
    }
    const uint8_t* lens = bytes + FALCO_PLUGIN_EVENT_HEADER_SIZE;
    const uint64_t id_len = read_u32(lens), name_len = read_u32(lens + 4), data_len = read_u32(lens + 8);
    if (id_len != 4 || name_len == 0 || FALCO_PLUGIN_EVENT_HEADER_SIZE + kLengths + id_len + name_len + data_len != evt->len) {
        why = malformed;
        return false;
    }
    const auto* name = reinterpret_cast<const char*>(lens + kLengths + id_len);
    if (name[name_len - 1] != '\0' || std::strlen(name) != name_len - 1) {
        why = malformed;
        return false;
    }
    const auto& declared = p.st->lib().async_events();
    if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
        why = "incompatible async event '" + std::string(name) + "' produced by plugin: " + plugin;
        return false;
    }
    AsyncEvent copy{plugin, name, std::string(name + name_len, name + name_len + data_len), dump};
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(copy));
    return true;
}

}  // namespace fph
