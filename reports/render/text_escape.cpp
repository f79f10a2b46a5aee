#include "reports/render/text_escape.hpp"

namespace capbench {

std::string html_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string md_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '\n':
      case '\r': o += ' '; break;
      case '\\': case '|': case '*': case '_': case '`': case '[': case ']': case '#': case '!': case '~':
        o += '\\';
        o += c;
        break;
      default: o += c;
    }
  }
  return o;
}

std::string csv_text(std::string_view s) {
  std::string v(s);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t')) v.insert(0, "'");
  bool quote = false;
  for (char c : v)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') quote = true;
  if (!quote) return v;
  std::string o = "\"";
  for (char c : v) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

}  // namespace capbench
