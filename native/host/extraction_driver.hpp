// The host's driver of field extraction: the requested fields (planned by
// field_request) bound to the plugin states that extract them, one
// extract_fields call per field and event as libsinsp makes it, and the values
// checked and printed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delivered_event.hpp"
#include "event_types.hpp"
#include "field_request.hpp"
#include "plugin_state.hpp"
#include "reporting.hpp"

namespace fph {

struct ExtractionOptions {
    bool json = false;           // values printed as JSON (else as text)
    bool print_offsets = false;  // --json: add "<field>@offsets" when the plugin sets value offsets
    bool offsets = true;         // pass value_offsets to API >= 3.11 plugins
    bool timed = false;          // time every extract_fields call (--stats)
    uint64_t output_every = 100; // the --output-fields are asked on every output_every'th event only
};

struct ExtractionCounts {
    uint64_t calls = 0;
    uint64_t ns = 0;  // time inside extract_fields, when timed

    ExtractionCounts& operator+=(const ExtractionCounts& o) {
        calls += o.calls;
        ns += o.ns;
        return *this;
    }
};

// The extraction of one sequence of plugin states (init .. destroy).
class ExtractionDriver {
public:
    // The plans and the error reporter must outlive the driver.
    ExtractionDriver(const std::vector<FieldPlan>& plans, const ExtractionOptions& options,
                     ErrorReporter& errors);
    ExtractionDriver(const ExtractionDriver&) = delete;
    ExtractionDriver& operator=(const ExtractionDriver&) = delete;

    // Called right after the init of each plugin state, in load order (index
    // in the loaded plugin list): for a plugin with extraction capability,
    // resolves the event types it extracts from (get_extract_event_types,
    // with libsinsp's defaults) and binds the fields routed to it.
    void attach(size_t plugin, PluginState& state);

    // Extracts every field for the event (the --output-fields ones on every
    // output_every'th event only); failures are reported and their value is
    // absent. If out is set, appends the fields to the event's line.
    void extract(const DeliveredEvent& event, std::string* out);

    const ExtractionCounts& counts() const { return counts_; }

private:
    // One field bound to the plugin state that extracts it.
    struct BoundField {
        const FieldPlan* plan = nullptr;
        PluginState* st = nullptr;
        const EventTypes* types = nullptr;  // the event types st extracts from
        plugin_extract_fields_fn extract = nullptr;
        ss_plugin_extract_field tmpl{};  // request, copied fresh for every call
        ss_plugin_extract_field ef{};
        ss_plugin_extract_value_offsets offs{};
        ss_plugin_field_extract_input in{};
        bool use_offsets = false;
    };

    bool append_value(const BoundField& b, uint32_t evt_len, std::string* out, std::string& err) const;
    static void append_offsets(const BoundField& b, std::string& out);

    const std::vector<FieldPlan>& plans_;
    const ExtractionOptions options_;
    ErrorReporter& errors_;
    std::vector<std::unique_ptr<EventTypes>> event_types_;  // one per attached extraction plugin
    std::vector<BoundField> fields_;                        // in plan order
    ExtractionCounts counts_;
};

}  // namespace fph
