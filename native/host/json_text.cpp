#include "json_text.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace fph {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
    const auto c0 = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if (c0 >= 0xC2 && c0 <= 0xDF) {
        n = 2, cp = c0 & 0x1F, min = 0x80;
    } else if (c0 >= 0xE0 && c0 <= 0xEF) {
        n = 3, cp = c0 & 0x0F, min = 0x800;
    } else if (c0 >= 0xF0 && c0 <= 0xF4) {
        n = 4, cp = c0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    for (size_t k = 1; k < n; k++) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    out.push_back('"');
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            // fast path: run of plain ASCII
            size_t j = i + 1;
            while (j < s.size()) {
                const auto d = static_cast<unsigned char>(s[j]);
                if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') {
                    break;
                }
                j++;
            }
            out.append(s.data() + i, j - i);
            i = j;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; i++; continue;
        case '\\': out += "\\\\"; i++; continue;
        case '\n': out += "\\n"; i++; continue;
        case '\r': out += "\\r"; i++; continue;
        case '\t': out += "\\t"; i++; continue;
        case '\b': out += "\\b"; i++; continue;
        case '\f': out += "\\f"; i++; continue;
        default: break;
        }
        if (c < 0x20) {
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
            i++;
            continue;
        }
        const size_t n = utf8_sequence_length(s, i);
        if (n == 0) {
            out += "\\ufffd";
            i++;
        } else {
            out.append(s.data() + i, n);
            i += n;
        }
    }
    out.push_back('"');
}

void append_text(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7f) {
            out.push_back(ch);
            continue;
        }
        switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
}

void append_u64(std::string& out, uint64_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, res.ptr);
}

bool format_ip(std::string& out, const void* data, uint32_t len) {
    char buf[INET6_ADDRSTRLEN];
    if (len == 4) {
        if (inet_ntop(AF_INET, data, buf, sizeof(buf)) == nullptr) {
            return false;
        }
    } else if (len == 16) {
        if (inet_ntop(AF_INET6, data, buf, sizeof(buf)) == nullptr) {
            return false;
        }
    } else {
        return false;
    }
    out += buf;
    return true;
}

bool format_ipnet(std::string& out, const void* data, uint32_t len) {
    if (len == 4 || len == 16) {
        return format_ip(out, data, len);
    }
    if (len != 8 && len != 32) {
        return false;
    }
    const uint32_t half = len / 2;
    const auto* bytes = static_cast<const unsigned char*>(data);
    // the mask must be contiguous ones followed by zeros
    uint32_t prefix = 0;
    bool seen_zero = false;
    for (uint32_t i = 0; i < half; i++) {
        for (int bit = 7; bit >= 0; bit--) {
            const bool one = (bytes[half + i] >> bit) & 1;
            if (one && seen_zero) {
                return false;
            }
            if (one) {
                prefix++;
            } else {
                seen_zero = true;
            }
        }
    }
    if (!format_ip(out, bytes, half)) {
        return false;
    }
    out.push_back('/');
    append_u64(out, prefix);
    return true;
}

}  // namespace fph
