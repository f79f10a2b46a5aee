#include "bench/runner/fault_injection.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace capbench {

namespace {

[[noreturn]] void bad(const std::string& text, const std::string& what) {
  throw std::invalid_argument(fmt::format("{}=\"{}\": {}", kFaultVariable, text, what));
}

bool parse_int(const std::string& s, long long* out) {
  if (s.empty() || s.size() > 9) return false;
  for (char ch : s)
    if (ch < '0' || ch > '9') return false;
  *out = std::stoll(s);
  return true;
}

}  // namespace

std::string fault_kind_name(FaultKind k) {
  switch (k) {
    case FaultKind::throw_error: return "throw";
    case FaultKind::hang: return "hang";
    case FaultKind::exit: return "exit";
    case FaultKind::wrong: return "wrong";
    case FaultKind::slow: return "slow";
    case FaultKind::flip: return "flip";
    case FaultKind::tear: return "tear";
  }
  return "?";
}

FaultSpec parse_fault_spec(const std::string& text) {
  FaultSpec f;
  f.text = text;
  std::map<std::string, std::string> kv;
  std::size_t pos = 0;
  if (text.empty()) bad(text, "empty; expected rank=<n>,case=<number or id>,kind=<throw|hang|exit|wrong|slow|flip|tear>");
  while (pos <= text.size()) {
    const std::size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      bad(text, fmt::format("item \"{}\" is not key=value (keys: rank, case, kind, seconds)", item));
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key != "rank" && key != "case" && key != "kind" && key != "seconds")
      bad(text, fmt::format("unknown key \"{}\" (keys: rank, case, kind, seconds)", key));
    if (value.empty()) bad(text, fmt::format("key \"{}\" has no value", key));
    if (!kv.emplace(key, value).second) bad(text, fmt::format("key \"{}\" is given twice", key));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  for (const char* required : {"rank", "case", "kind"})
    if (!kv.count(required)) bad(text, fmt::format("key \"{}\" is required", required));

  long long n = 0;
  if (!parse_int(kv["rank"], &n)) bad(text, fmt::format("rank \"{}\" is not an integer >= 0", kv["rank"]));
  f.rank = static_cast<int>(n);

  const std::string& c = kv["case"];
  if (parse_int(c, &n)) {
    if (n < 1) bad(text, "case numbers start at 1 (as `capbench check` prints them)");
    f.case_number = static_cast<int>(n);
  } else {
    f.case_id = c;
  }

  const std::string& k = kv["kind"];
  if (k == "throw") f.kind = FaultKind::throw_error;
  else if (k == "hang") f.kind = FaultKind::hang;
  else if (k == "exit") f.kind = FaultKind::exit;
  else if (k == "wrong") f.kind = FaultKind::wrong;
  else if (k == "slow") f.kind = FaultKind::slow;
  else if (k == "flip") f.kind = FaultKind::flip;
  else if (k == "tear") f.kind = FaultKind::tear;
  else bad(text, fmt::format("kind \"{}\" is not one of throw, hang, exit, wrong, slow, flip, tear", k));

  if (auto it = kv.find("seconds"); it != kv.end()) {
    if (f.kind != FaultKind::slow) bad(text, "seconds applies to kind=slow only");
    char* end = nullptr;
    errno = 0;
    const double s = std::strtod(it->second.c_str(), &end);
    if (errno != 0 || end == it->second.c_str() || *end != '\0' || !std::isfinite(s) || s <= 0 || s > 86400)
      bad(text, fmt::format("seconds \"{}\" is not a number of seconds in (0, 86400]", it->second));
    f.seconds = s;
  }
  return f;
}

void check_fault_against_plan(const FaultSpec& f, int nranks, const std::vector<PlannedCase>& plan) {
  if (f.rank >= nranks) bad(f.text, fmt::format("rank {} does not exist (the run has {} ranks)", f.rank, nranks));
  if (f.kind == FaultKind::tear && f.rank != 0)
    bad(f.text, "kind=tear cuts the results file, which rank 0 writes: rank must be 0");
  if (f.case_number > 0) {
    if (f.case_number > static_cast<int>(plan.size()))
      bad(f.text, fmt::format("case {} does not exist (the plan has {} cases)", f.case_number, plan.size()));
    return;
  }
  for (const auto& c : plan)
    if (c.id == f.case_id) return;
  bad(f.text, fmt::format("no case has id \"{}\" (see `capbench check <suite>`)", f.case_id));
}

void act_out_fault_before_case(const FaultSpec& f, const PlannedCase& c, bool (*should_stop)()) {
  switch (f.kind) {
    case FaultKind::throw_error:
      throw std::runtime_error(fmt::format("injected fault ({}={}): rank {} throws in case {}", kFaultVariable,
                                           f.text, f.rank, c.id));
    case FaultKind::hang:
      // A stuck kernel or driver call: no progress, no answer, no reaction to a first signal.
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    case FaultKind::exit:
      // Killed outright, as by the OOM killer or a node going down: no cleanup, no message.
      ::kill(::getpid(), SIGKILL);
      std::_Exit(137);
    case FaultKind::slow: {
      const double s = f.seconds > 0 ? f.seconds : c.timeout_s / 2;
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(s);
      while (std::chrono::steady_clock::now() < until && !should_stop())
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return;
    }
    case FaultKind::wrong:
    case FaultKind::flip:
    case FaultKind::tear:
      return;
  }
}

}  // namespace capbench
