#pragma once
// Watches nlohmann's parser as it reads a configuration file: a repeated key in one object,
// nesting past kMaxConfigDepth and more than kMaxConfigElements values are ConfigErrors naming
// the file and the key path, raised while reading, before the document grows any further.
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace capbench {

class ConfigParseGuard {
 public:
  // `kind` names the file's kind in messages ("a configuration file").
  ConfigParseGuard(std::string file, int max_depth, std::size_t max_elements,
                   std::string kind = "a configuration file");

  // The parser callback: always keeps the value (returns true), or throws.
  bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed);

 private:
  struct Level {
    bool array = false;
    std::size_t children = 0;  // arrays: elements completed so far
    std::string key;           // objects: the key whose value is being read
    std::unordered_set<std::string> keys;
  };
  std::string path() const;  // of the value being read
  void count_value();
  void child_done();

  std::string file_, kind_;
  int max_depth_;
  std::size_t max_elements_;
  std::size_t elements_ = 0;
  std::vector<Level> levels_;
};

}  // namespace capbench
