// history trend: a self-contained page, every string escaped, regressions marked.
#include "reports/history/history_trend.hpp"
#include "reports/render/text_escape.hpp"

#include <gtest/gtest.h>

#include "tests/reports/history_synthetic.hpp"

namespace capbench {
namespace {

using testing::fleet;
using testing::SynthRun;
using testing::ScratchDir;
using testing::write_synthetic_run;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(HistoryTrend, EscapesStringsAndMarksTheRegression) {
  ScratchDir dir;
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
  EXPECT_EQ(count_of(html, "<svg"), 2u);       // one measurement: its chart and its thumbnail
  EXPECT_EQ(count_of(html, "<polyline"), 4u);  // two devices, in each
  EXPECT_EQ(count_of(html, "<circle"), 2u * 6u + 1u);  // a point per device per night, one ring
  EXPECT_EQ(count_of(html, "stroke=\"#d62728\""), 1u);
  // The summary comes first: the latest run's regression, named, before the index and the charts.
  const auto summary_row = html.find("<tr class=\"reg-row\">");
  ASSERT_NE(summary_row, std::string::npos);
  EXPECT_LT(summary_row, html.find("<h2>Index</h2>"));
  EXPECT_LT(html.find("<h2>Index</h2>"), html.find("<h3"));
  EXPECT_NE(html.find("1 regression(s)"), std::string::npos);
  EXPECT_NE(html.find("rank 1 (serial:S-"), std::string::npos);
  // Titles in words, the axis from zero, time labels that differ from run to run.
  EXPECT_NE(html.find(">gemm throughput (bf16, 8192x8192x8192)</h3>"), std::string::npos);
  EXPECT_EQ(html.find("\x1f"), std::string::npos);
  EXPECT_NE(html.find("text-anchor=\"end\">0</text>"), std::string::npos);
  EXPECT_NE(html.find(">01-01</text>"), std::string::npos);
  EXPECT_NE(html.find(">01-06</text>"), std::string::npos);
}

TEST(HistoryTrend, JobWideCollectiveHasItsOwnLine) {
  ScratchDir dir;
  std::mt19937_64 rng(22);
  HistoryDb db((dir.path / "h.sqlite").string());
  for (int day = 1; day <= 3; ++day) {
    SynthRun run{fmt::format("night-{}", day), day, fleet(1)};
    run.job_busbw = 150e9;
    add_results_file(db, write_synthetic_run(dir.path, run, rng));
  }
  const std::string html = render_trend_html(db, TrendOptions{});
  // GEMM throughput and the job's busbw (time and algbw are the same timing), each with a thumbnail.
  EXPECT_EQ(count_of(html, "<svg"), 4u);
  EXPECT_EQ(count_of(html, "<polyline"), 2u * (2u + 1u));  // two GPUs' GEMM; one job line
  EXPECT_NE(html.find(">all_reduce busbw, 1 GiB (fp32, out of place)</h3>"), std::string::npos);
  EXPECT_NE(html.find("algbw, time (collective/all_reduce/fp32/out_of_place) from the same timing"), std::string::npos);
  EXPECT_NE(html.find("short baseline"), std::string::npos);  // three runs: not checked yet
  EXPECT_NE(html.find("job-wide (slowest rank per iteration)"), std::string::npos);
  EXPECT_EQ(html.find("rank -1"), std::string::npos);
}

TEST(HistoryTrend, EmptyHistoryIsAnError) {
  ScratchDir dir;
  HistoryDb db((dir.path / "h.sqlite").string());
  EXPECT_THROW(render_trend_html(db, TrendOptions{}), HistoryError);
}

TEST(HistoryTrend, HtmlEscape) {
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

}  // namespace
}  // namespace capbench
