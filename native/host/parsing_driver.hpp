// The host's driver of event parsing: every loaded plugin with the parsing
// capability gets parse_event for each event of a source and a type it parses
// (get_parse_event_sources / get_parse_event_types, with libsinsp's defaults),
// in load order, before any field of the event is extracted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delivered_event.hpp"
#include "event_types.hpp"
#include "plugin_state.hpp"
#include "reporting.hpp"

namespace fph {

// The parsing of one sequence of plugin states (init .. destroy).
class ParsingDriver {
public:
    // The error reporter must outlive the driver; source is the name of the
    // event source the capture's events belong to.
    ParsingDriver(ErrorReporter& errors, std::string source) : errors_(errors), source_(std::move(source)) {}
    ParsingDriver(const ParsingDriver&) = delete;
    ParsingDriver& operator=(const ParsingDriver&) = delete;

    // Called right after the init of each plugin state: a plugin that parses
    // the capture's event source is attached, with the event types it parses
    // resolved after init as libsinsp does (none listed: every type).
    void attach(PluginState& state);

    // parse_event of every attached parser that takes the event's type; a
    // failure is reported (libsinsp goes on with the next parser and event).
    void parse(const DeliveredEvent& event);

    uint64_t calls() const { return calls_; }

private:
    struct Parser {
        PluginState* st = nullptr;
        plugin_parse_event_fn parse = nullptr;
        std::unique_ptr<EventTypes> types;
        ss_plugin_event_parse_input in{};
    };

    ErrorReporter& errors_;
    const std::string source_;
    std::vector<Parser> parsers_;
    uint64_t calls_ = 0;
};

}  // namespace fph
