#pragma once
// Escaping for every string that came from a results, system or criteria file. Hostnames,
// device names and error messages are data, never markup: a hostname
// "<script>alert(1)</script>" must show as text in HTML, Markdown and spreadsheets.
#include <string>
#include <string_view>

namespace capbench {

// HTML text and attribute values: & < > " ' escaped.
std::string html_escape(std::string_view s);
// Markdown table cells and prose: markup characters backslash-escaped, < > as entities,
// line breaks folded to spaces.
std::string md_escape(std::string_view s);
// A CSV field (RFC 4180 quoting); a text field starting with = + - @ or a tab gets a leading
// ' so that a spreadsheet does not evaluate it as a formula.
std::string csv_text(std::string_view s);

}  // namespace capbench
