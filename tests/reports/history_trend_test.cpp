// history trend: a self-contained page, every string escaped, regressions marked.
#include "reports/history_trend.hpp"
#include "reports/text_escape.hpp"

#include <gtest/gtest.h>

#include "tests/reports/history_synthetic.hpp"

namespace capbench {
namespace {

using testing::fleet;
using testing::SynthRun;
using testing::TempDir;
using testing::write_synthetic_run;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(HistoryTrend, EscapesStringsAndMarksTheRegression) {
  TempDir dir;
  std::mt19937_64 rng(21);
  HistoryDb db((dir.path / "h.sqlite").string());
  auto gpus = fleet(1);
  gpus[0].host = "<script>alert('x')</script>&";
  for (int day = 1; day <= 5; ++day)
    add_results_file(db, write_synthetic_run(dir.path, SynthRun{fmt::format("night-{}", day), day, gpus}, rng));
  auto slow = gpus;
  slow[1].throughput *= 0.9;
  add_results_file(db, write_synthetic_run(dir.path, SynthRun{"night-6", 6, slow}, rng));

  const std::string html = render_trend_html(db, TrendOptions{});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"), std::string::npos);
  // Nothing fetched: the only URL is the SVG namespace.
  EXPECT_EQ(count_of(html, "http"), count_of(html, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(count_of(html, "<svg"), 1u);       // one metric
  EXPECT_EQ(count_of(html, "<polyline"), 2u);  // two devices
  EXPECT_EQ(count_of(html, "<circle"), 2u * 6u + 1u);  // a point per device per night, one ring
  EXPECT_EQ(count_of(html, "stroke=\"#d62728\""), 1u);
}

TEST(HistoryTrend, JobWideCollectiveHasItsOwnLine) {
  TempDir dir;
  std::mt19937_64 rng(22);
  HistoryDb db((dir.path / "h.sqlite").string());
  for (int day = 1; day <= 3; ++day) {
    SynthRun run{fmt::format("night-{}", day), day, fleet(1)};
    run.job_busbw = 150e9;
    add_results_file(db, write_synthetic_run(dir.path, run, rng));
  }
  const std::string html = render_trend_html(db, TrendOptions{});
  EXPECT_EQ(count_of(html, "<svg"), 4u);        // GEMM throughput; the job's time, algbw, busbw
  EXPECT_EQ(count_of(html, "<polyline"), 2u + 3u);  // two GPUs' GEMM; one job line per collective metric
  EXPECT_NE(html.find("job-wide (slowest rank per iteration)"), std::string::npos);
  EXPECT_EQ(html.find("rank -1"), std::string::npos);
}

TEST(HistoryTrend, EmptyHistoryIsAnError) {
  TempDir dir;
  HistoryDb db((dir.path / "h.sqlite").string());
  EXPECT_THROW(render_trend_html(db, TrendOptions{}), HistoryError);
}

TEST(HistoryTrend, HtmlEscape) {
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

}  // namespace
}  // namespace capbench
