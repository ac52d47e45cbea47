// Hand-rolled JSON/text formatting for the hot output path (no allocation
// beyond the destination string).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fph {

// Appends s as a JSON string literal (quotes included). Control characters
// are escaped; bytes that are not valid UTF-8 become U+FFFD so the output is
// always valid JSON.
void append_json_string(std::string& out, std::string_view s);

// Appends s for the one-line text output: control characters become C-style
// escapes (\n, \t, \xNN) so that an event always stays on one line.
void append_text(std::string& out, std::string_view s);

// Appends the exact decimal digits of v.
void append_u64(std::string& out, uint64_t v);

// Formats an address buffer as libsinsp does for ipaddr values: 4 bytes as
// dotted IPv4, 16 bytes as IPv6 text. Returns false for other lengths.
bool format_ip(std::string& out, const void* data, uint32_t len);

// Formats an ipnet value: 4/16 bytes as the network address, 8/32 bytes as
// address followed by netmask, printed "address/prefix". Returns false for
// other lengths.
bool format_ipnet(std::string& out, const void* data, uint32_t len);

}  // namespace fph
