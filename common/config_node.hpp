#pragma once
// Strict reading of JSON configuration: every error names the file, the key path and what
// was expected, and unknown keys are errors (a misspelt key must never be silently ignored).
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace capbench {

using nlohmann::json;

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, std::string key_path, std::string problem);
  const std::string& file() const { return file_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_, key_path_, problem_;
};

// Reads a file as JSON with // and /* */ comments allowed. Errors name the file, line and column.
json load_jsonc_file(const std::string& path, std::string* raw_text = nullptr);
json parse_jsonc(const std::string& text, const std::string& display_name);

// A view of one node in a configuration document, carrying where it came from.
class ConfigNode {
 public:
  ConfigNode(const json& root, std::string file);
  ConfigNode(const json* node, std::shared_ptr<const std::string> file, std::string path);

  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  const json& raw() const { return *node_; }

  bool has(std::string_view key) const;
  ConfigNode at(std::string_view key) const;  // required key
  std::optional<ConfigNode> find(std::string_view key) const;
  ConfigNode operator[](std::size_t index) const;
  std::size_t size() const;  // array length; fails when not an array
  std::vector<ConfigNode> items() const;
  std::vector<std::string> keys() const;  // object keys; fails when not an object

  // Fails when the object has a key outside `allowed`, naming the allowed keys.
  void allow_only(std::initializer_list<std::string_view> allowed) const;
  void expect_object() const;
  void expect_array() const;

  std::string as_string() const;
  std::string as_enum(std::initializer_list<std::string_view> choices) const;
  bool as_bool() const;
  double as_number() const;
  double as_positive_number() const;      // > 0
  double as_non_negative_number() const;  // >= 0
  double as_fraction() const;             // in [0, 1]
  std::int64_t as_int() const;
  std::int64_t as_positive_int() const;
  std::int64_t as_non_negative_int() const;
  // A number in [lo, hi]: bounds keep durations and counts inside what clocks and ints hold.
  double as_number_in(double lo, double hi, const std::string& what) const;
  std::int64_t as_int_in(std::int64_t lo, std::int64_t hi) const;

  [[noreturn]] void fail(const std::string& expected) const;

 private:
  std::string child_path(std::string_view key) const;
  std::string describe_value() const;
  const json* node_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
};

}  // namespace capbench
