// Host link: transfers between host memory and the device, each way and both at once.
#include "reports/render/report_section.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {
const char* kNote = "Bytes moved per second over the host link (PCIe or the like), the median of timed iterations; "
                    "every transfer is checked against a seeded pattern on the other side.";
}

ReportSection host_link_section() {
  return {"host_link", "Host link",
          [](const ReportInputs& in) { return has_benchmark(*in.analysis->results, "host_device"); },
          [](const ReportInputs& in) {
            return std::string("<p class=\"note\">") + kNote + "</p>" +
                   rank_metrics_html(*in.analysis, cases_of(*in.analysis->results, "host_device"), "host-link");
          },
          [](const ReportInputs& in) {
            return std::string(kNote) + "\n\n" +
                   rank_metrics_markdown(*in.analysis, cases_of(*in.analysis->results, "host_device"));
          }};
}

}  // namespace capbench
