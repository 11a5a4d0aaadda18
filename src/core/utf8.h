#pragma once
// UTF-8 checks for text that came from outside (CSV fields, URL paths, request bodies) and is
// echoed into JSON: nlohmann's dump() throws on invalid UTF-8, and cutting a string at a byte
// count can split a character.
#include <cstddef>
#include <string>
#include <string_view>

namespace fr {

/// Length of the valid UTF-8 sequence at s[0] (1-4), or 0 when it is invalid or cut short
/// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view s);

/// Whether every byte of s belongs to a valid UTF-8 sequence.
bool is_valid_utf8(std::string_view s);

/// s with each invalid byte replaced by U+FFFD, cut to at most max_bytes on a character
/// boundary ("..." appended when cut): safe to put in a JSON error message.
std::string printable_utf8(std::string_view s, size_t max_bytes = std::string::npos);

}  // namespace fr
