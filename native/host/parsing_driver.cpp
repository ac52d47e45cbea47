#include "parsing_driver.hpp"

#include "owner.hpp"
#include "plugin_library.hpp"

namespace fph {

void ParsingDriver::attach(PluginState& state) {
    const PluginLibrary& lib = state.lib();
    if (!lib.has(CAP_PARSING)) return;
    const auto& sources = lib.parse_event_sources();
    if (!sources.empty() && sources.count(source_) == 0) return;

    Parser p;
    p.st = &state;
    p.parse = lib.api().parse_event;
    p.types = std::make_unique<EventTypes>();
    if (!read_event_types(lib.api().get_parse_event_types, state.state(), *p.types)) p.types->set();
    p.in.owner = state.owner().as_owner();
    p.in.get_owner_last_error = &Owner::get_owner_last_error;
    p.in.table_reader = state.owner().table_reader();
    p.in.table_reader_ext = state.owner().table_reader_ext();
    p.in.table_writer = state.owner().table_writer();
    p.in.table_writer_ext = state.owner().table_writer_ext();
    parsers_.push_back(std::move(p));
}

void ParsingDriver::parse(const DeliveredEvent& event) {
    for (Parser& p : parsers_) {
        if (!p.types->test(event.type)) continue;
        calls_++;
        Owner& owner = p.st->owner();
        owner.begin_call(TableCall::ParseEvent);
        const ss_plugin_rc rc = p.parse(p.st->state(), &event.input, &p.in);
        owner.end_call();
        if (rc != SS_PLUGIN_SUCCESS) {
            errors_.report("parse_event failed on event " + std::to_string(event.evtnum()) + " (plugin " +
                           p.st->lib().name() +
                           (rc == SS_PLUGIN_FAILURE ? std::string() : ", rc " + std::to_string(static_cast<int>(rc))) +
                           "): " + p.st->last_error());
        }
    }
}

}  // namespace fph
