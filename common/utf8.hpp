#pragma once
// Text from outside (host names, driver strings, environment values, files) may hold bytes
// that are not UTF-8. JSON cannot carry them, and nlohmann's dump() throws on them by default:
// names are carried with such bytes escaped, and everything written goes through json_text.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace capbench {

// Offset of the first byte that does not begin a well-formed UTF-8 sequence; nullopt when all do.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// The text with every byte outside a well-formed UTF-8 sequence written as "\xNN" (visible,
// and the original bytes can be read back from it); valid text is returned unchanged.
std::string escape_invalid_utf8(std::string_view text);

// dump() that never throws on text: any invalid byte left is replaced by U+FFFD.
std::string json_text(const nlohmann::json& j, int indent = -1);

}  // namespace capbench
