#pragma once
// What a reader refuses an input with: the ConfigError's message (file, key, what was
// expected), or "no error" where it accepts it. Tests assert on that message.
#include <string>

#include "common/config_node.hpp"

namespace capbench::testing {

template <class Call>
std::string config_error_of(Call&& call) {
  try {
    call();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace capbench::testing
