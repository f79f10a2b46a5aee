#include "common/config_node.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include <fmt/format.h>

#include "common/config_parse_guard.hpp"
#include "common/input_limits.hpp"
#include "common/utf8.hpp"

namespace capbench {

ConfigError::ConfigError(std::string file, std::string key_path, std::string problem)
    : std::runtime_error(fmt::format("{}: {}{}", file, key_path.empty() ? "" : "key '" + key_path + "': ", problem)),
      file_(std::move(file)),
      key_path_(std::move(key_path)),
      problem_(std::move(problem)) {}

namespace {
// Line and column (from 1) of a byte offset, which is what an editor shows.
std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  const std::size_t end = std::min<std::size_t>(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}
}  // namespace

json parse_jsonc(const std::string& text, const std::string& display_name) {
  if (text.size() > kMaxConfigBytes)
    throw ConfigError(display_name, "",
                      fmt::format("{} of text, above the limit of {} for a configuration file (docs/reliability.md)",
                                  describe_bytes(text.size()), describe_bytes(kMaxConfigBytes)));
  // Comments too: a suite's text is carried whole into the results file, which is JSON.
  if (const auto bad = first_invalid_utf8(text)) {
    const auto [line, col] = line_and_column(text, *bad);
    throw ConfigError(display_name, "",
                      fmt::format("not UTF-8: byte 0x{:02x} at line {}, column {} (configuration files must be "
                                  "UTF-8 text)",
                                  static_cast<unsigned char>(text[*bad]), line, col));
  }
  try {
    ConfigParseGuard guard(display_name, kMaxConfigDepth, kMaxConfigElements);
    return json::parse(text, std::ref(guard), /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    // e.byte is one past the byte where the parser stopped.
    const auto [line, col] = line_and_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    if (auto pos = what.find("syntax error"); pos != std::string::npos) what = what.substr(pos);
    throw ConfigError(display_name, "", fmt::format("not valid JSON at line {}, column {}: {}", line, col, what));
  } catch (const json::exception& e) {
    // A number too large for a double (1e999) and the like: valid syntax, unusable value.
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    throw ConfigError(display_name, "", fmt::format("unusable JSON: {}", what));
  }
}

json load_jsonc_file(const std::string& path, std::string* raw_text) {
  std::string text = read_file_bounded(path, kMaxConfigBytes, "a configuration file");
  json j = parse_jsonc(text, path);
  if (raw_text) *raw_text = std::move(text);
  return j;
}

ConfigNode::ConfigNode(const json& root, std::string file)
    : node_(&root), file_(std::make_shared<const std::string>(std::move(file))) {}

ConfigNode::ConfigNode(const json* node, std::shared_ptr<const std::string> file, std::string path)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {}

std::string ConfigNode::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string ConfigNode::describe_value() const {
  std::string v = json_text(*node_);
  if (v.size() > 60) v = v.substr(0, 57) + "...";
  return fmt::format("{} {}", node_->type_name(), v);
}

void ConfigNode::fail(const std::string& expected) const {
  throw ConfigError(*file_, path_, fmt::format("expected {}, got {}", expected, describe_value()));
}

void ConfigNode::expect_object() const {
  if (!node_->is_object()) fail("an object");
}
void ConfigNode::expect_array() const {
  if (!node_->is_array()) fail("an array");
}

bool ConfigNode::has(std::string_view key) const {
  expect_object();
  return node_->contains(key);
}

ConfigNode ConfigNode::at(std::string_view key) const {
  expect_object();
  auto it = node_->find(key);
  if (it == node_->end())
    throw ConfigError(*file_, child_path(key), "required key is missing");
  return ConfigNode(&*it, file_, child_path(key));
}

std::optional<ConfigNode> ConfigNode::find(std::string_view key) const {
  expect_object();
  auto it = node_->find(key);
  if (it == node_->end()) return std::nullopt;
  return ConfigNode(&*it, file_, child_path(key));
}

ConfigNode ConfigNode::operator[](std::size_t index) const {
  expect_array();
  if (index >= node_->size()) fail(fmt::format("at least {} elements", index + 1));
  return ConfigNode(&(*node_)[index], file_, fmt::format("{}[{}]", path_, index));
}

std::size_t ConfigNode::size() const {
  expect_array();
  return node_->size();
}

std::vector<ConfigNode> ConfigNode::items() const {
  std::vector<ConfigNode> out;
  for (std::size_t i = 0; i < size(); ++i) out.push_back((*this)[i]);
  return out;
}

std::vector<std::string> ConfigNode::keys() const {
  expect_object();
  std::vector<std::string> out;
  for (auto it = node_->begin(); it != node_->end(); ++it) out.push_back(it.key());
  return out;
}

void ConfigNode::allow_only(std::initializer_list<std::string_view> allowed) const {
  expect_object();
  for (auto it = node_->begin(); it != node_->end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw ConfigError(*file_, child_path(it.key()), fmt::format("unknown key (allowed here: {})", list));
    }
  }
}

std::string ConfigNode::as_string() const {
  if (!node_->is_string()) fail("a string");
  return node_->get<std::string>();
}

std::string ConfigNode::as_enum(std::initializer_list<std::string_view> choices) const {
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  if (!node_->is_string()) fail("one of: " + list);
  auto s = node_->get<std::string>();
  if (std::find(choices.begin(), choices.end(), s) == choices.end()) fail("one of: " + list);
  return s;
}

bool ConfigNode::as_bool() const {
  if (!node_->is_boolean()) fail("true or false");
  return node_->get<bool>();
}

double ConfigNode::as_number() const {
  if (!node_->is_number()) fail("a number");
  const double v = node_->get<double>();
  if (!std::isfinite(v)) fail("a finite number");
  return v;
}

double ConfigNode::as_positive_number() const {
  if (!node_->is_number() || !(node_->get<double>() > 0) || !std::isfinite(node_->get<double>()))
    fail("a positive number");
  return node_->get<double>();
}

double ConfigNode::as_non_negative_number() const {
  if (!node_->is_number() || !(node_->get<double>() >= 0) || !std::isfinite(node_->get<double>()))
    fail("a number >= 0");
  return node_->get<double>();
}

double ConfigNode::as_fraction() const {
  if (!node_->is_number() || !(node_->get<double>() >= 0 && node_->get<double>() <= 1))
    fail("a fraction between 0 and 1");
  return node_->get<double>();
}

std::int64_t ConfigNode::as_int() const {
  if (!node_->is_number_integer()) fail("an integer");
  return node_->get<std::int64_t>();
}

std::int64_t ConfigNode::as_positive_int() const {
  if (!node_->is_number_integer() || node_->get<std::int64_t>() <= 0) fail("a positive integer");
  return node_->get<std::int64_t>();
}

std::int64_t ConfigNode::as_non_negative_int() const {
  if (!node_->is_number_integer() || node_->get<std::int64_t>() < 0) fail("an integer >= 0");
  return node_->get<std::int64_t>();
}

double ConfigNode::as_number_in(double lo, double hi, const std::string& what) const {
  if (!node_->is_number() || !(node_->get<double>() >= lo && node_->get<double>() <= hi))
    fail(fmt::format("{} between {} and {}", what, lo, hi));
  return node_->get<double>();
}

std::int64_t ConfigNode::as_int_in(std::int64_t lo, std::int64_t hi) const {
  if (!node_->is_number_integer() || node_->get<std::int64_t>() < lo || node_->get<std::int64_t>() > hi)
    fail(fmt::format("an integer between {} and {}", lo, hi));
  return node_->get<std::int64_t>();
}

}  // namespace capbench
