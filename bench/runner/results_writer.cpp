#include "bench/runner/results_writer.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "common/results_journal.hpp"

namespace capbench {

namespace {

// Everything before the cases: the document's members but "cases" and "run", laid out as
// dump_results_text lays them out, then the opening of "cases".
std::string head_text(const ResultsFile& r) {
  ResultsFile head;
  head.schema = r.schema;
  head.suite = r.suite;
  head.ranks = r.ranks;
  head.health = r.health;
  json hj = results_to_json(head);
  hj.erase("cases");
  hj.erase("run");
  std::string text = dump_results_text(hj);  // "{\n ...\n}\n"
  text.resize(text.size() - 3);
  text += ",\n \"cases\": [";
  return text;
}

std::runtime_error io_error(const std::string& path, const char* what) {
  return std::runtime_error(fmt::format("{}: {}: {}", path, what, std::strerror(errno)));
}

}  // namespace

ResultsWriter::ResultsWriter(std::string path, ResultsFile initial) : path_(std::move(path)) {
  std::vector<CaseResult> cases = std::move(initial.cases);
  initial.cases.clear();
  results_ = std::move(initial);
  std::lock_guard<std::mutex> lock(mu_);
  create_locked(cases);
}

ResultsWriter::~ResultsWriter() {
  if (fd_ >= 0) ::close(fd_);
}

// The trailer: the end of "cases", the run block, the end of the document; padded with
// spaces to `covering` bytes when shorter, so that no byte of a longer old trailer remains.
std::string ResultsWriter::trailer_text(std::uint64_t covering) const {
  ResultsFile only_run;
  only_run.run = results_.run;
  return results_trailer_text(results_to_json(only_run).at("run"), covering);
}

void ResultsWriter::journal_locked() {
  if (!journal_ok_) return;
  ResultsFile only_run;
  only_run.run = results_.run;
  try {
    write_results_journal(journal_path(path_), {trailer_offset_, static_cast<std::int64_t>(cases_written_), cases_begin_,
                                                results_to_json(only_run).at("run")});
  } catch (const std::exception& e) {
    // The results file is whole; only a kill in the middle of a later case could not be salvaged.
    journal_ok_ = false;
    fmt::print(stderr, "capbench: warning: {}; the results file is written as before, without a journal\n", e.what());
  }
}

void ResultsWriter::end_journal_locked() { ::unlink(journal_path(path_).c_str()); }

void ResultsWriter::plant_tear_in_next_case() {
  std::lock_guard<std::mutex> lock(mu_);
  tear_planted_ = true;
}

void ResultsWriter::plant_tear_in_next_trailer() {
  std::lock_guard<std::mutex> lock(mu_);
  trailer_tear_planted_ = true;
}

void ResultsWriter::write_at(std::uint64_t offset, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t w = ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(offset + done));
    if (w < 0) {
      if (errno == EINTR) continue;
      throw io_error(path_, "write failed");
    }
    done += static_cast<std::size_t>(w);
  }
  bytes_written_ += text.size();
  end_ = std::max<std::uint64_t>(end_, offset + text.size());
}

void ResultsWriter::sync() {
  if (::fdatasync(fd_) != 0) throw io_error(path_, "cannot flush");
}

// Through a temporary file and a rename, as every earlier version wrote the file: a reader
// of `path` sees the previous file or this one. The descriptor stays open on the new file.
void ResultsWriter::create_locked(const std::vector<CaseResult>& initial_cases) {
  const std::string tmp = path_ + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error(tmp, "cannot create");
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  end_ = 0;
  cases_written_ = 0;
  in_place_ = false;
  const std::string head = head_text(results_);
  try {
    write_at(0, head);
    cases_begin_ = trailer_offset_ = head.size();
    for (const auto& c : initial_cases) append_locked(&c);
    if (initial_cases.empty()) write_at(trailer_offset_, trailer_text(0));
    if (::fsync(fd_) != 0) throw io_error(tmp, "cannot flush");
    if (::rename(tmp.c_str(), path_.c_str()) != 0) throw io_error(path_, "cannot rename into place");
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  in_place_ = true;
  journal_locked();
}

// One case where the trailer stood, then the trailer after it.
void ResultsWriter::append_locked(const CaseResult* c) {
  if (c) {
    std::uint64_t at = trailer_offset_;
    write_at(at, cases_written_ ? ",\n" : "\n");
    at += cases_written_ ? 2 : 1;
    emit_case_text(*c, [&](std::string_view piece) {
      if (tear_planted_) {  // fault injection: killed in the middle of writing the case
        write_at(at, piece.substr(0, piece.size() / 2));
        ::kill(::getpid(), SIGKILL);
      }
      write_at(at, piece);
      at += piece.size();
    });
    trailer_offset_ = at;
    ++cases_written_;
    digests_.push_back(digest_case(*c));
    // The journal moves past the case before the trailer is written: a writer killed in the
    // middle of the trailer leaves a whole case that salvage keeps. (The bytes of a killed
    // process's writes stay in the page cache; no flush is needed for that.)
    if (in_place_) journal_locked();
  }
  const std::uint64_t old_tail = end_ > trailer_offset_ ? end_ - trailer_offset_ : 0;
  const std::string trailer = trailer_text(old_tail);
  if (trailer_tear_planted_) {  // test only: killed halfway through the trailer
    write_at(trailer_offset_, std::string_view(trailer).substr(0, trailer.size() / 2));
    ::kill(::getpid(), SIGKILL);
  }
  write_at(trailer_offset_, trailer);
  sync();
}

// A new head (the health record changed): a new file of the new head, the cases as they are
// on disk, and the trailer; then a rename. Once per run at most, and only when a case's
// health events changed the record.
void ResultsWriter::rewrite_with_new_head_locked() {
  const int in = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw io_error(path_, "cannot reopen");
  const std::string tmp = path_ + ".tmp." + std::to_string(::getpid());
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    throw io_error(tmp, "cannot create");
  }
  const std::uint64_t old_begin = cases_begin_, old_trailer = trailer_offset_;
  ::close(fd_);
  fd_ = out;
  end_ = 0;
  try {
    const std::string head = head_text(results_);
    write_at(0, head);
    std::uint64_t at = head.size();
    std::string buf(std::size_t(4) << 20, '\0');
    for (std::uint64_t off = old_begin; off < old_trailer;) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), old_trailer - off));
      const ssize_t got = ::pread(in, buf.data(), want, static_cast<off_t>(off));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw io_error(path_, "cannot read back its cases");
      write_at(at, std::string_view(buf.data(), static_cast<std::size_t>(got)));
      at += static_cast<std::uint64_t>(got);
      off += static_cast<std::uint64_t>(got);
    }
    cases_begin_ = head.size();
    trailer_offset_ = at;
    write_at(trailer_offset_, trailer_text(0));
    ::close(in);
    if (::fsync(fd_) != 0) throw io_error(tmp, "cannot flush");
    if (::rename(tmp.c_str(), path_.c_str()) != 0) throw io_error(path_, "cannot rename into place");
  } catch (...) {
    ::close(in);
    ::unlink(tmp.c_str());
    throw;
  }
  health_changed_ = false;
}

void ResultsWriter::add_case(CaseResult c) {
  std::lock_guard<std::mutex> lock(mu_);
  c.status = derive_case_status(c.ranks);
  append_locked(&c);  // and the journal, between the case and the trailer
}

void ResultsWriter::note_health_changed() {
  std::lock_guard<std::mutex> lock(mu_);
  health_changed_ = true;
}

void ResultsWriter::finish(const std::string& status, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  results_.run.status = status;
  results_.run.status_reason = reason;
  results_.run.finished_at = utc_now_iso8601();
  if (health_changed_) {
    rewrite_with_new_head_locked();
  } else {
    append_locked(nullptr);
    if (::fsync(fd_) != 0) throw io_error(path_, "cannot flush");
  }
  end_journal_locked();
}

bool ResultsWriter::mark_incomplete_if_running(const std::string& reason, const CaseResult* in_progress) {
  std::lock_guard<std::mutex> lock(mu_);
  if (results_.run.status != "running") return false;
  results_.run.status = "incomplete";
  results_.run.status_reason = reason;
  results_.run.finished_at = utc_now_iso8601();
  if (in_progress) {
    CaseResult c = *in_progress;
    c.status = derive_case_status(c.ranks);
    append_locked(&c);
  } else {
    append_locked(nullptr);
  }
  if (health_changed_) rewrite_with_new_head_locked();
  end_journal_locked();
  return true;
}

void ResultsWriter::write() {
  std::lock_guard<std::mutex> lock(mu_);
  append_locked(nullptr);
  journal_locked();
}

void ResultsWriter::hold_for_exit() { mu_.lock(); }

std::uint64_t ResultsWriter::bytes_written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_written_;
}

std::uint64_t ResultsWriter::file_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return end_;
}

}  // namespace capbench
