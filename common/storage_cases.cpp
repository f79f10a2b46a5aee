#include "common/storage_cases.hpp"

#include <fmt/format.h>

namespace capbench {

namespace {

constexpr std::int64_t kMiB = 1 << 20;
constexpr std::int64_t kMaxTransfer = std::int64_t(1) << 30;
constexpr std::int64_t kMaxRankBytes = std::int64_t(1) << 44;  // 16 TiB per rank: beyond it a typo

std::int64_t int_in(const ConfigNode& parent, const char* key, std::int64_t dflt, std::int64_t lo, std::int64_t hi) {
  if (auto v = parent.find(key)) return v->as_int_in(lo, hi);
  return dflt;
}

double seconds_or(const ConfigNode& parent, const char* key, double dflt) {
  if (auto v = parent.find(key)) return v->as_number_in(0, 7 * 24 * 3600.0, "seconds (0: no stonewall)");
  return dflt;
}

}  // namespace

std::vector<std::pair<std::string, json>> plan_storage_phases(const ConfigNode& c) {
  std::vector<std::string> phases{"capacity", "easy", "hard_posix", "hard_mpiio", "metadata_private",
                                  "metadata_shared"};
  if (auto v = c.find("phases")) {
    phases.clear();
    if (v->size() == 0) v->fail("a non-empty array of phases");
    for (const auto& item : v->items())
      phases.push_back(
          item.as_enum({"capacity", "easy", "hard_posix", "hard_mpiio", "metadata_private", "metadata_shared"}));
  }
  json common = json::object();
  common["group"] = c.has("name") ? c.at("name").as_string() : std::string();
  common["path"] = c.has("path") ? c.at("path").as_string() : std::string();
  if (c.has("path") && common["path"].get<std::string>().empty()) c.at("path").fail("a non-empty directory path");
  common["max_free_fraction"] =
      c.has("max_free_fraction") ? c.at("max_free_fraction").as_number_in(0.0001, 1.0, "a fraction of the free space")
                                 : 0.1;
  common["keep_files"] = c.has("keep_files") ? c.at("keep_files").as_bool() : false;
  if (c.has("test_ignore_free_space") && c.at("test_ignore_free_space").as_bool())
    common["test_ignore_free_space"] = true;

  json easy = {{"transfer_bytes", 2 * kMiB}, {"block_bytes", 64 * kMiB}, {"stonewall_s", 0.0}};
  if (auto e = c.find("easy")) {
    e->allow_only({"transfer_bytes", "block_bytes", "stonewall_s"});
    const auto t = int_in(*e, "transfer_bytes", 2 * kMiB, 1, kMaxTransfer);
    const auto b = int_in(*e, "block_bytes", 64 * kMiB, 1, kMaxRankBytes);
    if (b % t != 0) e->at("block_bytes").fail(fmt::format("a multiple of transfer_bytes ({})", t));
    easy = {{"transfer_bytes", t}, {"block_bytes", b}, {"stonewall_s", seconds_or(*e, "stonewall_s", 0.0)}};
  }
  json hard = {{"transfer_bytes", 47008}, {"segments", 1000}, {"stonewall_s", 0.0}};
  if (auto h = c.find("hard")) {
    h->allow_only({"transfer_bytes", "segments", "stonewall_s"});
    hard = {{"transfer_bytes", int_in(*h, "transfer_bytes", 47008, 1, kMaxTransfer)},
            {"segments", int_in(*h, "segments", 1000, 1, std::int64_t(1) << 40)},
            {"stonewall_s", seconds_or(*h, "stonewall_s", 0.0)}};
  }
  json hints = json::object();
  if (auto m = c.find("mpiio")) {
    m->allow_only({"hints"});
    if (auto hn = m->find("hints")) {
      hn->expect_object();
      for (const auto& k : hn->keys()) hints[k] = hn->at(k).as_string();
    }
  }
  json md = {{"files_per_rank", 1000}, {"file_bytes", 3901}};
  if (auto m = c.find("metadata")) {
    m->allow_only({"files_per_rank", "file_bytes"});
    md = {{"files_per_rank", int_in(*m, "files_per_rank", 1000, 1, 100000000)},
          {"file_bytes", int_in(*m, "file_bytes", 3901, 0, 64 * kMiB)}};
  }

  std::vector<std::pair<std::string, json>> out;
  auto add = [&](std::string id, json p) {
    json full = common;
    full.update(p);
    out.emplace_back("storage/" + id, std::move(full));
  };
  for (const auto& ph : phases) {
    if (ph == "capacity") add("capacity", {{"phase", "capacity"}, {"op", "statfs"}});
    if (ph == "easy") {
      const auto t = easy["transfer_bytes"].get<std::int64_t>();
      json p = {{"phase", "easy"}, {"api", "posix"}, {"transfer_bytes", t},
                {"transfers_per_rank", easy["block_bytes"].get<std::int64_t>() / t},
                {"block_bytes", easy["block_bytes"]}, {"stonewall_s", easy["stonewall_s"]}};
      p["op"] = "write";
      add("easy_write", p);
      p["op"] = "read";
      add("easy_read", p);
    }
    for (const char* api : {"posix", "mpiio"}) {
      if (ph != std::string("hard_") + api) continue;
      json p = {{"phase", "hard"}, {"api", api}, {"transfer_bytes", hard["transfer_bytes"]},
                {"transfers_per_rank", hard["segments"]}, {"segments", hard["segments"]},
                {"stonewall_s", hard["stonewall_s"]}};
      if (std::string(api) == "mpiio") p["mpiio_hints"] = hints;
      p["op"] = "write";
      add(fmt::format("hard_write/{}", api), p);
      p["op"] = "read";
      add(fmt::format("hard_read/{}", api), p);
    }
    for (const char* mode : {"private", "shared"}) {
      if (ph != std::string("metadata_") + mode) continue;
      for (const char* op : {"create", "stat", "read", "delete"})
        add(fmt::format("md_{}/{}", op, mode), {{"phase", "metadata"}, {"dir_mode", mode}, {"op", op},
                                                 {"files_per_rank", md["files_per_rank"]},
                                                 {"file_bytes", md["file_bytes"]}});
    }
  }
  return out;
}

}  // namespace capbench
