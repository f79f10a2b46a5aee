#include "common/results_reader.hpp"

#include "common/input_limits.hpp"
#include "common/results_consistency.hpp"

#include <sched.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <exception>
#include <initializer_list>
#include <map>
#include <memory>
#include <new>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include <fmt/format.h>
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace capbench {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// A rank result sits four levels down (root, cases, a case, its ranks).
constexpr int kMaxRecordDepth = kMaxResultsDepth - 4;

// The fast path declines: the record (or the file) goes to the reference reader instead.
struct Declined {};

[[noreturn]] void decline() { throw Declined{}; }

// --- one rank result, from simdjson's document ------------------------------------------
// Each function accepts exactly what its ConfigNode counterpart in results.cpp / telemetry.cpp
// accepts, or less (then it declines); it never reports an error itself.

// A number as nlohmann would hold it, as a double. "-0" is an integer 0 to nlohmann but may be
// -0.0 here: any negative zero is declined rather than guessed.
double number_of(element e) {
  double v = 0;
  switch (e.type()) {
    case element_type::INT64: v = static_cast<double>(e.get_int64().value_unsafe()); break;
    case element_type::UINT64: v = static_cast<double>(e.get_uint64().value_unsafe()); break;
    case element_type::DOUBLE: v = e.get_double().value_unsafe(); break;
    default: decline();
  }
  if (!std::isfinite(v) || (v == 0 && std::signbit(v))) decline();
  return v;
}

double finite_non_negative(element e) {
  const double v = number_of(e);
  if (v < 0) decline();
  return v;
}

// ConfigNode::as_non_negative_int: an integer token in [0, INT64_MAX].
std::int64_t non_negative_int(element e) {
  if (e.type() != element_type::INT64) decline();  // UINT64 is above INT64_MAX: rejected there too
  const std::int64_t v = e.get_int64().value_unsafe();
  if (v < 0) decline();
  return v;
}

std::string_view string_view_of(element e) {
  if (e.type() != element_type::STRING) decline();
  return e.get_string().value_unsafe();
}

std::string string_of(element e) { return std::string(string_view_of(e)); }

std::string enum_of(element e, std::initializer_list<std::string_view> choices) {
  const std::string_view s = string_view_of(e);
  for (auto c : choices)
    if (c == s) return std::string(s);
  decline();
}

bool bool_of(element e) {
  if (e.type() != element_type::BOOL) decline();
  return e.get_bool().value_unsafe();
}

simdjson::dom::object object_of(element e) {
  if (e.type() != element_type::OBJECT) decline();
  return e.get_object().value_unsafe();
}

simdjson::dom::array array_of(element e) {
  if (e.type() != element_type::ARRAY) decline();
  return e.get_array().value_unsafe();
}

// Generic values (labels, info) as nlohmann's parser builds them: non-negative integers are
// unsigned, negative ones signed, a repeated key keeps its last value.
json to_json(element e) {
  switch (e.type()) {
    case element_type::OBJECT: {
      json o = json::object();
      const simdjson::dom::object fields = e.get_object().value_unsafe();
      for (auto field : fields) o[std::string(field.key)] = to_json(field.value);
      return o;
    }
    case element_type::ARRAY: {
      json a = json::array();
      const simdjson::dom::array items = e.get_array().value_unsafe();
      for (element x : items) a.push_back(to_json(x));
      return a;
    }
    case element_type::STRING: return json(std::string(e.get_string().value_unsafe()));
    case element_type::INT64: {
      const std::int64_t v = e.get_int64().value_unsafe();
      return v >= 0 ? json(static_cast<std::uint64_t>(v)) : json(v);
    }
    case element_type::UINT64: return json(e.get_uint64().value_unsafe());
    case element_type::DOUBLE: {
      const double v = e.get_double().value_unsafe();
      if (!std::isfinite(v) || (v == 0 && std::signbit(v))) decline();
      return json(v);
    }
    case element_type::BOOL: return json(e.get_bool().value_unsafe());
    case element_type::NULL_VALUE: return json(nullptr);
  }
  decline();
}

// The position of `key` in `keys`, declining unknown and repeated keys (nlohmann keeps the
// last of repeated keys; rather than mirror that for typed fields, the reference path reads them).
template <std::size_t N>
std::size_t key_slot(std::string_view key, const std::array<std::string_view, N>& keys, std::uint32_t& seen) {
  for (std::size_t i = 0; i < N; ++i) {
    if (keys[i] == key) {
      if (seen & (1u << i)) decline();
      seen |= 1u << i;
      return i;
    }
  }
  decline();
}

bool has(std::uint32_t seen, std::size_t slot) { return (seen >> slot) & 1u; }

Summary stats_of(element e) {
  static constexpr std::array<std::string_view, 9> kKeys = {"n", "median", "mean", "stddev", "min",
                                                            "max", "mad", "p05", "p95"};
  Summary s;
  std::uint32_t seen = 0;
  for (auto field : object_of(e)) {
    // Keys beyond these are allowed here (stats_from does not restrict them) and ignored.
    std::size_t slot = kKeys.size();
    for (std::size_t i = 0; i < kKeys.size(); ++i)
      if (kKeys[i] == field.key) slot = i;
    if (slot == kKeys.size()) continue;
    if (has(seen, slot)) decline();
    seen |= 1u << slot;
    switch (slot) {
      case 0: s.n = static_cast<std::size_t>(non_negative_int(field.value)); break;
      case 1: s.median = finite_non_negative(field.value); break;
      case 2: s.mean = finite_non_negative(field.value); break;
      case 3: s.stddev = finite_non_negative(field.value); break;
      case 4: s.min = finite_non_negative(field.value); break;
      case 5: s.max = finite_non_negative(field.value); break;
      case 6: s.mad = finite_non_negative(field.value); break;
      case 7: s.p05 = finite_non_negative(field.value); break;
      case 8: s.p95 = finite_non_negative(field.value); break;
    }
  }
  if (seen != (1u << kKeys.size()) - 1 || s.min > s.max) decline();
  return s;
}

Metric metric_of(element e) {
  static constexpr std::array<std::string_view, 5> kKeys = {"name", "unit", "labels", "samples", "stats"};
  Metric m;
  std::uint32_t seen = 0;
  for (auto field : object_of(e)) {
    switch (key_slot(field.key, kKeys, seen)) {
      case 0: m.name = string_of(field.value); break;
      case 1: m.unit = enum_of(field.value, {"FLOP/s", "OP/s", "B/s", "s", "1"}); break;
      case 2:
        object_of(field.value);  // labels must be an object
        m.labels = to_json(field.value);
        break;
      case 3: {
        const auto samples = array_of(field.value);
        if (samples.size() > kMaxSamplesPerMetric) decline();
        m.samples.reserve(samples.size());
        for (element x : samples) m.samples.push_back(finite_non_negative(x));
        break;
      }
      case 4: m.stats = stats_of(field.value); break;
    }
  }
  if (!has(seen, 0) || !has(seen, 1) || !has(seen, 4)) decline();
  return m;
}

Verification verification_of(element e) {
  static constexpr std::array<std::string_view, 6> kKeys = {"status",    "method",    "detail",
                                                            "max_error", "tolerance", "mismatches"};
  Verification v;
  std::uint32_t seen = 0;
  for (auto field : object_of(e)) {
    switch (key_slot(field.key, kKeys, seen)) {
      case 0: v.status = enum_of(field.value, {"passed", "failed", "not_run"}); break;
      case 1: v.method = string_of(field.value); break;
      case 2: v.detail = string_of(field.value); break;
      case 3:
        v.max_error = field.value.type() == element_type::NULL_VALUE ? INFINITY : finite_non_negative(field.value);
        break;
      case 4: v.tolerance = finite_non_negative(field.value); break;
      case 5: v.mismatches = non_negative_int(field.value); break;
    }
  }
  if (!has(seen, 0)) decline();
  return v;
}

// null: absent, as in telemetry_from.
std::optional<TelemetryRange> range_of(element e) {
  if (e.type() == element_type::NULL_VALUE) return std::nullopt;
  static constexpr std::array<std::string_view, 3> kKeys = {"min", "median", "max"};
  TelemetryRange r;
  std::uint32_t seen = 0;
  for (auto field : object_of(e)) {
    switch (key_slot(field.key, kKeys, seen)) {
      case 0: r.min = number_of(field.value); break;
      case 1: r.median = number_of(field.value); break;
      case 2: r.max = number_of(field.value); break;
    }
  }
  if (seen != 7u || !(r.min <= r.median && r.median <= r.max)) decline();
  return r;
}

CaseTelemetry telemetry_of(element e) {
  static constexpr std::array<std::string_view, 12> kKeys = {
      "available",     "source",  "reason",           "samples",          "interval_s", "sm_clock_mhz",
      "memory_clock_mhz", "power_w", "temperature_c", "throttled_fraction", "throttle_reasons", "ecc_new"};
  CaseTelemetry t;
  std::uint32_t seen = 0;
  for (auto field : object_of(e)) {
    const element v = field.value;
    const bool null = v.type() == element_type::NULL_VALUE;
    switch (key_slot(field.key, kKeys, seen)) {
      case 0: t.available = bool_of(v); break;
      case 1: t.source = string_of(v); break;
      case 2: t.reason = string_of(v); break;
      case 3: t.samples = non_negative_int(v); break;
      case 4: t.interval_s = finite_non_negative(v); break;
      case 5: t.sm_clock_mhz = range_of(v); break;
      case 6: t.memory_clock_mhz = range_of(v); break;
      case 7: t.power_w = range_of(v); break;
      case 8: t.temperature_c = range_of(v); break;
      case 9:
        if (!null) {
          const double f = number_of(v);
          if (f < 0 || f > 1) decline();
          t.throttled_fraction = f;
        }
        break;
      case 10:
        if (!null) {
          std::vector<std::string> names;
          for (element x : array_of(v)) names.push_back(string_of(x));
          t.throttle_reasons = std::move(names);
        }
        break;
      case 11:
        if (!null) {
          static constexpr std::array<std::string_view, 2> kEcc = {"corrected", "uncorrected"};
          EccDelta d;
          std::uint32_t ecc_seen = 0;
          for (auto f : object_of(v)) {
            if (key_slot(f.key, kEcc, ecc_seen) == 0)
              d.corrected = non_negative_int(f.value);
            else
              d.uncorrected = non_negative_int(f.value);
          }
          if (ecc_seen != 3u) decline();
          t.ecc_new = d;
        }
        break;
    }
  }
  if (!has(seen, 0)) decline();
  return t;
}

// `keep_info` false: the rank's `info` is checked (an object) but not kept (the per-case
// reader, for cases whose caller reads no backend details).
RankResult rank_result_of(element e, bool keep_info = true) {
  static constexpr std::array<std::string_view, 8> kKeys = {"rank",      "status",    "error", "verification",
                                                            "metrics",   "telemetry", "info",  "wall_s"};
  RankResult r;
  std::uint32_t seen = 0;
  for (auto field : object_of(e)) {
    switch (key_slot(field.key, kKeys, seen)) {
      case 0: r.rank = static_cast<int>(non_negative_int(field.value)); break;
      case 1: r.status = enum_of(field.value, {"ok", "failed", "skipped", "timeout", "missing"}); break;
      case 2: r.error = string_of(field.value); break;
      case 3: r.verification = verification_of(field.value); break;
      case 4: {
        const auto metrics = array_of(field.value);
        r.metrics.reserve(metrics.size());
        for (element m : metrics) r.metrics.push_back(metric_of(m));
        break;
      }
      case 5: r.telemetry = telemetry_of(field.value); break;
      case 6: {
        // Version 1 kept telemetry inside info; the reference path moves it out.
        if (object_of(field.value).at_key("telemetry").error() != simdjson::NO_SUCH_FIELD) decline();
        if (keep_info) r.info = to_json(field.value);
        break;
      }
      case 7: r.wall_s = finite_non_negative(field.value); break;
    }
  }
  if (!has(seen, 0) || !has(seen, 1) || !has(seen, 3) || !has(seen, 4)) decline();
  return r;
}

// --- batches of rank-result texts, read on worker threads ---------------------------------

// Memory straight from the kernel and back to it when freed. A batch's rank results are
// made on a worker thread and then moved into their case's list: freed into that thread's
// malloc arena instead, their ~0.5 KB each (a quarter of a GB at 16,384 ranks) would stay
// in the process's memory to the end.
template <class T>
struct PageAllocator {
  using value_type = T;
  PageAllocator() = default;
  template <class U>
  explicit PageAllocator(const PageAllocator<U>&) {}
  T* allocate(std::size_t n) {
    void* p = ::mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) { ::munmap(p, n * sizeof(T)); }
  friend bool operator==(const PageAllocator&, const PageAllocator&) { return true; }
};

// The text of consecutive rank results, each followed by simdjson's padding.
struct Batch {
  std::string text;
  struct Record {
    std::size_t offset, length;
    std::uint32_t case_pos, rank_pos;
    bool keep_info = true;
  };
  std::vector<Record> records;
  std::vector<RankResult, PageAllocator<RankResult>> results;  // filled by a worker, in the order of `records`
  // With a digester (the per-case reader; a batch is then one case's): the records' digests,
  // their rank numbers (each once per case), and those that kept samples, whole, by position
  // in the case's "ranks": they are checked once the case's header is known.
  std::string benchmark;  // of the case, as the scanner saw it ("" where it did not)
  std::unique_ptr<RankDigester::Part> part;
  std::vector<int> rank_numbers;
  std::vector<std::pair<std::size_t, RankResult>> sampled;
  std::size_t reread = 0;
  bool done = false;  // a worker has read it (under the pipeline's lock)
};

// A rank result's text contains a \u escape: nlohmann and simdjson differ on some (lone
// surrogates), so the reference path reads it.
bool has_unicode_escape(std::string_view text) {
  for (std::size_t i = text.find('\\'); i != std::string_view::npos; i = text.find('\\', i + 2))
    if (i + 1 < text.size() && text[i + 1] == 'u') return true;
  return false;
}

// One record as a rank result; false when it is not a valid one (the reference reader then
// reads the whole file, for its own error).
bool read_record(const Batch& b, const Batch::Record& rec, simdjson::dom::parser& parser,
                 const std::shared_ptr<const std::string>& file, RankResult& out, std::size_t& reread) {
  const std::string_view text(b.text.data() + rec.offset, rec.length);
  if (!has_unicode_escape(text)) {
    element doc;
    if (!parser.parse(text.data(), text.size(), /*realloc_if_needed=*/false).get(doc)) {
      try {
        out = rank_result_of(doc, rec.keep_info);
        return true;
      } catch (const Declined&) {
      }
    }
  }
  // The reference path for this record: it may accept what the fast path declined.
  ++reread;
  try {
    const json j = json::parse(text);
    out = rank_result_from_json(j, *file, fmt::format("cases[{}].ranks[{}]", rec.case_pos, rec.rank_pos));
    if (!rec.keep_info) out.info = json::object();
    return true;
  } catch (...) {  // the reference reader, on the whole file, reports it in its own words
    return false;
  }
}

// Reads every record of the batch into `results`, or with a digester into its digests; false
// when one is not a valid rank result.
bool read_batch(Batch& b, simdjson::dom::parser& parser, const std::shared_ptr<const std::string>& file,
                RankDigester* digester) {
  if (!digester) {
    b.results.reserve(b.records.size());
    for (const auto& rec : b.records) {
      if (!read_record(b, rec, parser, file, b.results.emplace_back(), b.reread)) return false;
    }
    return true;
  }
  b.part = digester->start_part(b.benchmark, b.records.size());
  b.rank_numbers.reserve(b.records.size());
  for (const auto& rec : b.records) {
    RankResult r;
    if (!read_record(b, rec, parser, file, r, b.reread)) return false;
    b.rank_numbers.push_back(r.rank);
    if (rank_keeps_samples(r)) b.sampled.emplace_back(rec.rank_pos, r);
    digester->digest(*b.part, std::move(r));
  }
  digester->finish_part(*b.part);
  return true;
}

class BatchPipeline {
 public:
  BatchPipeline(unsigned threads, std::shared_ptr<const std::string> file, RankDigester* digester = nullptr)
      : threads_(threads), file_(std::move(file)), digester_(digester) {}
  ~BatchPipeline() { stop(); }

  // False once a batch has failed: the caller stops scanning.
  bool submit(std::unique_ptr<Batch> b) {
    std::unique_lock lock(mutex_);
    if (workers_.empty())
      for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
    // Bounded: at most a few batches' texts wait or are being read.
    done_cv_.wait(lock, [&] { return pending_ < 2 * threads_ + 1 || failed_; });
    if (failed_) return false;
    batches_.push_back(std::move(b));
    queue_.push_back(batches_.size() - 1);
    ++pending_;
    work_cv_.notify_one();
    return true;
  }

  // Waits for every batch; false when one failed.
  bool finish() {
    {
      std::unique_lock lock(mutex_);
      done_cv_.wait(lock, [&] { return pending_ == 0 || failed_; });
    }
    stop();
    return !failed_;
  }

  std::vector<std::unique_ptr<Batch>>& batches() { return batches_; }

  // The next batch in file order once a worker has read it, or nullptr (the per-case reader
  // takes batches while the scan goes on, so that read rank results do not pile up).
  std::unique_ptr<Batch> take_read() {
    std::lock_guard lock(mutex_);
    if (failed_ || next_take_ >= batches_.size() || !batches_[next_take_]->done) return nullptr;
    return std::move(batches_[next_take_++]);
  }

  // An emptied text buffer of an earlier batch, with its capacity, or a new one.
  std::string spare_text() {
    std::lock_guard lock(mutex_);
    if (spare_texts_.empty()) return {};
    std::string t = std::move(spare_texts_.back());
    spare_texts_.pop_back();
    return t;
  }

 private:
  void stop() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void work() {
    simdjson::dom::parser parser;
    for (;;) {
      Batch* b = nullptr;
      {
        std::unique_lock lock(mutex_);
        work_cv_.wait(lock, [&] { return closing_ || failed_ || !queue_.empty(); });
        if (closing_ || failed_) return;
        b = batches_[queue_.front()].get();
        queue_.pop_front();
      }
      bool ok = false;
      try {
        ok = read_batch(*b, parser, file_, digester_);
      } catch (...) {  // out of memory, say: the reference reader meets it again, on the main thread
      }
      b->text.clear();
      {
        std::lock_guard lock(mutex_);
        spare_texts_.push_back(std::move(b->text));  // reused: fresh pages cost page faults
        b->text = std::string();
        --pending_;
        b->done = true;
        if (!ok) failed_ = true;
      }
      done_cv_.notify_all();
      if (!ok) work_cv_.notify_all();
    }
  }

  unsigned threads_;
  std::shared_ptr<const std::string> file_;
  RankDigester* digester_;
  std::mutex mutex_;
  std::condition_variable work_cv_, done_cv_;
  std::vector<std::unique_ptr<Batch>> batches_;
  std::size_t next_take_ = 0;
  std::deque<std::size_t> queue_;
  std::vector<std::string> spare_texts_;
  std::size_t pending_ = 0;
  bool failed_ = false, closing_ = false;
  std::vector<std::thread> workers_;
};

// --- the structural scanner ----------------------------------------------------------------

// Splits the text into the skeleton (everything but the rank results, whose arrays become
// "[]") and rank-result records. It checks the grammar of the ranks arrays itself; everything
// else it copies verbatim, for nlohmann to check. A rank result's end is found by nesting
// depth outside strings; its text is checked by the record parsers.
class Scanner {
 public:
  // `by_case`: each case's last records are handed over when the case closes, and the case's
  // place in the skeleton is noted in `closed_cases` (the per-case reader).
  // `keep_info`: whether the rank results of a case of that benchmark keep their `info`.
  Scanner(BatchPipeline& pipeline, std::size_t batch_bytes, bool by_case = false, RankInfoFilter keep_info = {})
      : pipeline_(pipeline), batch_bytes_(batch_bytes), by_case_(by_case), keep_info_(std::move(keep_info)) {
    batch_ = std::make_unique<Batch>();
  }

  std::string skeleton;
  std::size_t records = 0;
  struct ClosedCase {
    std::size_t case_pos, begin, end;  // its text in `skeleton`, "ranks": [] included
    std::size_t batches;               // batches handed over by then: its records are in them
  };
  std::deque<ClosedCase> closed_cases;
  std::size_t batches_submitted = 0;

  // Throws Declined where the file must go to the reference reader.
  void feed(const char* p, std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
      if (in_record_) {
        i = scan_record(p, n, i);
      } else if (in_ranks_) {
        ranks_byte(p[i++]);
      } else {
        skeleton_byte(p[i++]);
      }
    }
  }

  // At the end of the file: a rank result or ranks array left open is a truncated file.
  void finish() {
    if (in_record_ || in_ranks_) decline();
    if (!batch_->records.empty()) hand_over();
  }

 private:
  enum class Role : std::uint8_t { kOther, kRoot, kCases, kCase };
  struct Level {
    Role role;
    bool object;
    bool want_key;
    bool saw_key = false;  // "cases" in the root, "ranks" in a case
  };
  enum class RanksState : std::uint8_t { kFirstOrEnd, kValue, kCommaOrEnd };

  static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

  void skeleton_byte(char c) {
    skeleton.push_back(c);
    if (in_string_) {
      if (escape_) {
        escape_ = false;
        if (key_string_) key_.push_back(c);
      } else if (c == '\\') {
        escape_ = true;
        if (key_string_) decline();  // an escaped key where "cases"/"ranks" are looked for
      } else if (c == '"') {
        in_string_ = false;
        if (key_string_) end_key();
      } else if (key_string_) {
        key_.push_back(c);
      }
      return;
    }
    switch (c) {
      case '"': {
        in_string_ = true;
        key_string_ = false;
        if (!stack_.empty() && stack_.back().object && stack_.back().want_key) {
          stack_.back().want_key = false;
          const Role r = stack_.back().role;
          key_string_ = r == Role::kRoot || r == Role::kCase;
          key_.clear();
        } else {
          pending_ = Pending::kNone;
        }
        break;
      }
      case '{':
      case '[': {
        Role role = Role::kOther;
        if (stack_.empty()) {
          role = c == '{' ? Role::kRoot : Role::kOther;
        } else if (stack_.back().role == Role::kRoot && pending_ == Pending::kCases && c == '[') {
          role = Role::kCases;
        } else if (stack_.back().role == Role::kCases && c == '{') {
          role = Role::kCase;
          case_pos_ = cases_seen_++;
          case_begin_ = skeleton.size() - 1;
        } else if (stack_.back().role == Role::kCase && pending_ == Pending::kRanks && c == '[') {
          pending_ = Pending::kNone;
          in_ranks_ = true;
          case_benchmark_ = by_case_ ? benchmark_so_far() : std::string();
          case_keeps_info_ = !keep_info_ || keep_info_(by_case_ ? case_benchmark_ : benchmark_so_far());
          ranks_state_ = RanksState::kFirstOrEnd;
          rank_pos_ = 0;
          return;  // the skeleton keeps "[", the ranks array's end adds "]"
        }
        pending_ = Pending::kNone;
        stack_.push_back(Level{role, c == '{', c == '{'});
        if (stack_.size() > std::size_t(kMaxResultsDepth)) decline();
        break;
      }
      case '}':
      case ']':
        pending_ = Pending::kNone;
        if (by_case_ && c == '}' && !stack_.empty() && stack_.back().role == Role::kCase) close_case();
        if (!stack_.empty()) stack_.pop_back();
        break;
      case ',':
        pending_ = Pending::kNone;
        if (!stack_.empty() && stack_.back().object) stack_.back().want_key = true;
        // Past the reference reader's limit on values outside the rank results: it names it.
        if (++skeleton_commas_ > kMaxResultsOtherValues) decline();
        break;
      case ':': break;
      default:
        if (!is_space(c)) pending_ = Pending::kNone;
        break;
    }
  }

  void end_key() {
    key_string_ = false;
    Level& top = stack_.back();
    pending_ = Pending::kNone;
    if (top.role == Role::kRoot && key_ == "cases") {
      if (top.saw_key) decline();  // a repeated "cases": the reference reader's business
      top.saw_key = true;
      pending_ = Pending::kCases;
    } else if (top.role == Role::kCase && key_ == "ranks") {
      if (top.saw_key) decline();
      top.saw_key = true;
      pending_ = Pending::kRanks;
    }
  }

  void ranks_byte(char c) {
    if (is_space(c)) return;
    if (c == ']' && ranks_state_ != RanksState::kValue) {
      in_ranks_ = false;
      skeleton.push_back(']');
      return;
    }
    if (c == ',' && ranks_state_ == RanksState::kCommaOrEnd) {
      ranks_state_ = RanksState::kValue;
      return;
    }
    if (c == '{' && ranks_state_ != RanksState::kCommaOrEnd) {
      in_record_ = true;
      record_depth_ = 1;
      record_in_string_ = record_escape_ = false;
      record_start_ = batch_->text.size();
      batch_->text.push_back('{');
      return;
    }
    decline();  // not an object, or not a JSON array: the reference reader names the problem
  }

  // Scans from p[i] to the end of the record or of the block; returns where it stopped. The
  // hot loop of the reader (almost every byte is in a rank result): 16 bytes at a time, looking
  // only at quotes, backslashes and brackets.
  std::size_t scan_record(const char* p, std::size_t n, std::size_t i) {
    const std::size_t from = i;
    if (record_escape_) {  // the block before ended on a backslash inside a string
      record_escape_ = false;
      ++i;
    }
    bool in_string = record_in_string_;
    int depth = record_depth_;
    std::size_t skip = SIZE_MAX;  // the byte after a backslash in a string
    std::size_t end = n;
    bool closed = false;
    // True when p[k] closes the record.
    auto step = [&](std::size_t k) {
      if (k == skip) return false;
      const char c = p[k];
      if (in_string) {
        if (c == '"')
          in_string = false;
        else if (c == '\\')
          skip = k + 1;
        return false;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        if (++depth > kMaxRecordDepth) decline();
      } else if (c == '}' || c == ']') {
        return --depth == 0;
      }
      return false;
    };
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    // '[' and ']' are '{' and '}' less 0x20: one comparison each after setting that bit.
    const __m128i case_bit = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
    while (!closed && i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i folded = _mm_or_si128(v, case_bit);
      const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                        _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
      for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0; mask &= mask - 1) {
        const std::size_t k = i + static_cast<std::size_t>(__builtin_ctz(mask));
        if (step(k)) {
          end = k + 1;
          closed = true;
          break;
        }
      }
      i += 16;
    }
#endif
    for (; !closed && i < n; ++i) {
      if (step(i)) {
        end = i + 1;
        closed = true;
      }
    }
    record_escape_ = !closed && skip == n;
    batch_->text.append(p + from, end - from);
    if (batch_->text.size() - record_start_ > kMaxRankResultBytes) decline();  // the reference counts its values
    record_in_string_ = in_string;
    record_depth_ = depth;
    if (closed) end_record();
    return end;
  }

  void end_record() {
    in_record_ = false;
    ranks_state_ = RanksState::kCommaOrEnd;
    Batch& b = *batch_;
    b.records.push_back(Batch::Record{record_start_, b.text.size() - record_start_,
                                      static_cast<std::uint32_t>(case_pos_), static_cast<std::uint32_t>(rank_pos_),
                                      case_keeps_info_});
    b.text.append(simdjson::SIMDJSON_PADDING, ' ');
    ++rank_pos_;
    ++records;
    if (b.text.size() >= batch_bytes_) hand_over();
  }

  // The case's "benchmark" where it comes before "ranks" (as capbench writes it, keys sorted);
  // "" where it does not or is escaped, and the filter decides on "" (the report keeps info).
  std::string benchmark_so_far() const {
    const std::string_view text = std::string_view(skeleton).substr(case_begin_);
    const auto at = text.find("\"benchmark\"");
    if (at == std::string_view::npos) return "";
    std::size_t i = at + 11;
    while (i < text.size() && (is_space(text[i]) || text[i] == ':')) ++i;
    if (i >= text.size() || text[i] != '"') return "";
    const auto end = text.find('"', i + 1);
    if (end == std::string_view::npos) return "";
    const std::string_view value = text.substr(i + 1, end - i - 1);
    if (value.find('\\') != std::string_view::npos) return "";
    return std::string(value);
  }

  void close_case() {
    if (!batch_->records.empty()) hand_over();
    closed_cases.push_back(ClosedCase{case_pos_, case_begin_, skeleton.size(), batches_submitted});
  }

  void hand_over() {
    batch_->benchmark = case_benchmark_;
    ++batches_submitted;
    if (!pipeline_.submit(std::move(batch_))) decline();
    batch_ = std::make_unique<Batch>();
    batch_->text = pipeline_.spare_text();
  }

  enum class Pending : std::uint8_t { kNone, kCases, kRanks };

  BatchPipeline& pipeline_;
  std::size_t batch_bytes_;
  bool by_case_ = false;
  RankInfoFilter keep_info_;
  bool case_keeps_info_ = true;
  std::string case_benchmark_;  // by case: the benchmark of the case being scanned, or ""
  std::size_t case_begin_ = 0;
  std::unique_ptr<Batch> batch_;
  std::vector<Level> stack_;
  bool in_string_ = false, escape_ = false, key_string_ = false;
  std::string key_;
  Pending pending_ = Pending::kNone;
  std::size_t cases_seen_ = 0, case_pos_ = 0, rank_pos_ = 0, skeleton_commas_ = 0;
  bool in_ranks_ = false;
  RanksState ranks_state_ = RanksState::kFirstOrEnd;
  bool in_record_ = false, record_in_string_ = false, record_escape_ = false;
  int record_depth_ = 0;
  std::size_t record_start_ = 0;
};

// Feeds the whole file to the scanner, a block at a time (not a mapping of the file: mapped
// pages would count in the reader's RSS), calling `after_block` after each. False on a read
// error or an empty file.
template <class AfterBlock>
bool scan_in_blocks(std::FILE* f, Scanner& scanner, AfterBlock after_block) {
  std::vector<char> block(std::size_t(4) << 20);
  std::size_t total = 0;
  for (;;) {
    const std::size_t n = std::fread(block.data(), 1, block.size(), f);
    if (n == 0) break;
    total += n;
    scanner.feed(block.data(), n);
    after_block();
  }
  return !std::ferror(f) && total > 0;
}

// The fast read, or nullopt where the reference reader must read the file.
std::optional<ResultsFile> try_fast_read(const std::string& path, unsigned threads, std::size_t batch_bytes,
                                         FastReadStats& stats) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return std::nullopt;
  const auto file = std::make_shared<const std::string>(path);
  std::vector<std::vector<RankResult>> preread;
  json skeleton;
  {
    BatchPipeline pipeline(threads, file);
    std::string skeleton_text;
    try {
      Scanner scanner(pipeline, batch_bytes);
      if (!scan_in_blocks(f.get(), scanner, [] {})) return std::nullopt;
      scanner.finish();
      stats.records = scanner.records;
      skeleton_text = std::move(scanner.skeleton);
    } catch (const Declined&) {
      return std::nullopt;
    }
    if (!pipeline.finish()) return std::nullopt;
    // The skeleton (identities, run, suite: 9 MB at 16,384 ranks) is parsed on a second
    // thread while this one gathers the rank results into their cases.
    bool skeleton_ok = false;
    std::jthread skeleton_parser([&] {
      try {
        skeleton = json::parse(skeleton_text);
        skeleton_ok = true;
      } catch (...) {  // the reference reader reports it
      }
    });
    // Each case's list made at its final size when its first record comes (growing half a
    // million rank results by doubling would touch twice their memory), and each batch freed
    // as soon as it is emptied: the rank results exist about once, never twice.
    std::vector<std::size_t> per_case;
    for (const auto& b : pipeline.batches()) {
      for (const auto& rec : b->records) {
        if (per_case.size() <= rec.case_pos) per_case.resize(rec.case_pos + 1, 0);
        ++per_case[rec.case_pos];
      }
    }
    preread.resize(per_case.size());
    for (auto& b : pipeline.batches()) {
      for (const auto& rec : b->records)
        if (preread[rec.case_pos].capacity() == 0) preread[rec.case_pos].reserve(per_case[rec.case_pos]);
      stats.records_reread += b->reread;
      for (std::size_t k = 0; k < b->records.size(); ++k)
        preread[b->records[k].case_pos].push_back(std::move(b->results[k]));
      b.reset();
    }
    skeleton_parser.join();
    if (!skeleton_ok) return std::nullopt;
  }
  try {
    return results_from_skeleton(skeleton, path, preread);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (...) {  // the reference reader reports it, in its own words
    return std::nullopt;
  }
}

// The per-case read: the scan, the workers and the hand-over to `on_case` go on together, so
// that only the batches in flight and the case being completed are held. False where the
// reference reader must read the file (a declined construct, or an error, which it names);
// `delivered` says how many cases `on_case` has had by then.
class CaseStream {
 public:
  CaseStream(const std::string& path, RankDigester& digester, const DigestedCaseSink& on_case, FastReadStats& stats,
             RankInfoFilter keep_info)
      : path_(path), digester_(digester), on_case_(on_case), stats_(stats), keep_info_(std::move(keep_info)) {}

  std::size_t delivered = 0;

  bool read(unsigned threads, std::size_t batch_bytes, ResultsFile& out) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path_.c_str(), "rb"), &std::fclose);
    if (!f) return false;
    const auto file = std::make_shared<const std::string>(path_);
    try {
      BatchPipeline pipeline(threads, file, &digester_);
      Scanner scanner(pipeline, batch_bytes, /*by_case=*/true, keep_info_);
      if (!scan_in_blocks(f.get(), scanner, [&] { pump(pipeline, scanner); })) return false;
      scanner.finish();
      if (!pipeline.finish()) return false;
      pump(pipeline, scanner);
      stats_.records = scanner.records;
      if (!scanner.closed_cases.empty() || !pending_.empty()) return false;
      // The rest of the document: run, suite, identities, health, and the cases' headers
      // again (their "ranks" are empty here), checked by the strict reader.
      std::vector<std::vector<RankResult>> none;
      json skeleton = json::parse(scanner.skeleton);
      std::string().swap(scanner.skeleton);  // its text (50 MB at 100,000 ranks) gone before the typed copy is made
      out = results_from_skeleton(skeleton, path_, none);
      if (out.cases.size() != delivered || max_rank_ >= out.run.nranks) return false;
      out.cases.clear();
      return true;
    } catch (const Declined&) {
    } catch (const ConfigError&) {
    } catch (const json::exception&) {
    }
    return false;
  }

 private:
  // Takes the batches read so far, in file order, and hands over every case now complete.
  void pump(BatchPipeline& pipeline, Scanner& scanner) {
    while (auto b = pipeline.take_read()) {
      ++taken_;
      stats_.records_reread += b->reread;
      if (b->records.empty()) continue;
      PendingCase& pc = pending_[b->records.front().case_pos];  // a batch holds one case's records
      if (!pc.parts.empty() && pc.benchmark != b->benchmark) throw Declined{};
      pc.benchmark = b->benchmark;
      // Each rank once per case; whether each is below run.nranks is known only at the end.
      for (const int rank : b->rank_numbers) {
        const auto i = static_cast<std::size_t>(rank);
        if (i >= pc.seen.size()) pc.seen.resize(std::max(i + 1, pc.seen.size() * 2), 0);
        if (pc.seen[i]) throw Declined{};
        pc.seen[i] = 1;
        max_rank_ = std::max(max_rank_, rank);
      }
      for (auto& s : b->sampled) pc.sampled.push_back(std::move(s));
      pc.parts.push_back(std::move(b->part));
    }
    while (!scanner.closed_cases.empty() && scanner.closed_cases.front().batches <= taken_) {
      const auto cc = scanner.closed_cases.front();
      scanner.closed_cases.pop_front();
      hand_over(scanner, cc);
    }
  }

  void hand_over(const Scanner& scanner, const Scanner::ClosedCase& cc) {
    if (cc.case_pos != delivered) throw Declined{};
    const json header = json::parse(scanner.skeleton.begin() + static_cast<std::ptrdiff_t>(cc.begin),
                                    scanner.skeleton.begin() + static_cast<std::ptrdiff_t>(cc.end));
    CaseResult c = case_header_from_json(header, path_, fmt::format("cases[{}]", cc.case_pos));
    PendingCase pc;
    if (auto it = pending_.find(cc.case_pos); it != pending_.end()) {
      pc = std::move(it->second);
      pending_.erase(it);
    }
    // The job-wide figures, then the rank results that kept samples (the others have nothing
    // a consistency check reads).
    // The digests (and the choice of keeping `info`) were made for the benchmark the scanner
    // saw before the ranks: where the header says another (a "benchmark" key inside a nested
    // object, or none before "ranks"), the reference reader reads the file.
    if (!pc.parts.empty() && pc.benchmark != c.benchmark) throw Declined{};
    check_case_consistency(c, cc.case_pos, path_);
    for (const auto& [rank_pos, r] : pc.sampled) check_rank_consistency(c, cc.case_pos, r, rank_pos, path_);
    ++delivered;
    on_case_(std::move(c), std::move(pc.parts));
  }

  // A case whose rank results have been taken but which has not closed yet.
  struct PendingCase {
    Parts parts;
    std::string benchmark;
    std::vector<std::pair<std::size_t, RankResult>> sampled;
    std::vector<char> seen;  // by rank
  };

  const std::string& path_;
  RankDigester& digester_;
  const DigestedCaseSink& on_case_;
  FastReadStats& stats_;
  RankInfoFilter keep_info_;
  std::map<std::size_t, PendingCase> pending_;  // by case
  std::size_t taken_ = 0;
  int max_rank_ = -1;
};

// The CPUs this process may run on (taskset, cpusets), at most 8: beyond that the one
// scanning thread (about 1 GB/s) is the limit, and each worker holds batches of text.
unsigned default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) n = static_cast<unsigned>(CPU_COUNT(&set));
  return std::clamp(n, 1u, 8u);
}

}  // namespace

ResultsFile read_results_file_fast(const std::string& path, FastReadStats* stats, unsigned threads,
                                   std::size_t batch_bytes) {
  check_results_file_size(path);
  if (threads == 0) threads = default_threads();
  if (batch_bytes == 0) batch_bytes = std::size_t(4) << 20;
  FastReadStats local;
  FastReadStats& s = stats ? *stats : local;
  s = FastReadStats{};
  if (auto r = try_fast_read(path, threads, batch_bytes, s)) return std::move(*r);
  s.whole_file_fallback = true;
  return read_results_file_reference(path);
}

ResultsFile read_results_file(const std::string& path) { return read_results_file_fast(path); }

ResultsFile read_results_file_digested(const std::string& path, RankDigester& digester,
                                       const DigestedCaseSink& on_digested_case, const RankInfoFilter& keep_rank_info,
                                       FastReadStats* stats, unsigned threads, std::size_t batch_bytes) {
  check_results_file_size(path);
  if (threads == 0) threads = default_threads();
  if (batch_bytes == 0) batch_bytes = std::size_t(4) << 20;
  FastReadStats local;
  FastReadStats& s = stats ? *stats : local;
  s = FastReadStats{};
  ResultsFile out;
  CaseStream stream(path, digester, on_digested_case, s, keep_rank_info);
  if (stream.read(threads, batch_bytes, out)) return out;
  // The reference reader names the error; or, for a valid file the fast path declined, it
  // reads it and the cases not handed over yet are handed over from it.
  s.whole_file_fallback = true;
  ResultsFile whole = read_results_file_reference(path);
  for (std::size_t i = stream.delivered; i < whole.cases.size(); ++i) {
    CaseResult& c = whole.cases[i];
    const bool keep_info = !keep_rank_info || keep_rank_info(c.benchmark);
    Parts parts;
    parts.push_back(digester.start_part(c.benchmark, c.ranks.size()));
    for (auto& r : c.ranks) {
      if (!keep_info) r.info = json::object();
      digester.digest(*parts.back(), std::move(r));
    }
    digester.finish_part(*parts.back());
    c.ranks.clear();
    on_digested_case(std::move(c), std::move(parts));
  }
  whole.cases.clear();
  return whole;
}

namespace {

// The digester that keeps the rank results whole (read_results_file_by_case).
class WholeRanks final : public RankDigester {
 public:
  struct Ranks final : Part {
    std::vector<RankResult> ranks;
  };
  std::unique_ptr<Part> start_part(const std::string&, std::size_t records) override {
    auto p = std::make_unique<Ranks>();
    p->ranks.reserve(records);
    return p;
  }
  void digest(Part& part, RankResult&& r) override { static_cast<Ranks&>(part).ranks.push_back(std::move(r)); }
  void finish_part(Part&) override {}
};

}  // namespace

ResultsFile read_results_file_by_case(const std::string& path, const CaseSink& on_case, FastReadStats* stats,
                                      unsigned threads, std::size_t batch_bytes, const RankInfoFilter& keep_rank_info) {
  WholeRanks whole;
  return read_results_file_digested(
      path, whole,
      [&](CaseResult&& c, Parts&& parts) {
        std::size_t n = 0;
        for (const auto& p : parts) n += static_cast<const WholeRanks::Ranks&>(*p).ranks.size();
        c.ranks.reserve(n);
        for (auto& p : parts)
          for (auto& r : static_cast<WholeRanks::Ranks&>(*p).ranks) c.ranks.push_back(std::move(r));
        parts.clear();
        on_case(std::move(c));
      },
      keep_rank_info, stats, threads, batch_bytes);
}

ResultsFile read_results_file(const std::string& path, const CaseSink& on_case, const RankInfoFilter& keep_rank_info) {
  return read_results_file_by_case(path, on_case, nullptr, 0, 0, keep_rank_info);
}

}  // namespace capbench
