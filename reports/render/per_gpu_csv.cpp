// per_gpu.csv: one row per GPU and measurement family, in base units, for spreadsheets.
#include <fmt/format.h>

#include "reports/render/report.hpp"
#include "reports/render/text_escape.hpp"

namespace capbench {

namespace {
std::string num(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : ""; }
}  // namespace

std::string render_per_gpu_csv(const ReportInputs& in) {
  std::string out;
  render_per_gpu_csv(in, [&](std::string_view piece) { out += piece; });
  return out;
}

void render_per_gpu_csv(const ReportInputs& in, const std::function<void(std::string_view)>& piece) {
  const Analysis& a = *in.analysis;
  constexpr std::size_t kPieceBytes = std::size_t(1) << 20;
  std::string out =
      "rank,host,node_index,pci_bus_id,serial,uuid,device_name,model,benchmark,precision,value,unit,best_case,"
      "datasheet_peak,fraction_of_peak,model_median,fraction_of_model_median,modified_z,outlier,status,problem\n";
  for (const auto* fams : {&a.gemm, &a.stream}) {
    for (const auto& f : *fams) {
      for (const auto& g : f.gpus) {
        const auto& id = a.gpus[static_cast<std::size_t>(g.rank)];
        std::optional<double> fpeak, fmed;
        if (g.value && g.peak && *g.peak > 0) fpeak = *g.value / *g.peak;
        if (g.value && g.model_median && *g.model_median > 0) fmed = *g.value / *g.model_median;
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", g.rank,
                           csv_text(id.host), id.node_index, csv_text(id.bus_id), csv_text(id.serial),
                           csv_text(id.uuid), csv_text(id.name), csv_text(id.model_key), f.benchmark, f.precision,
                           num(g.value), f.unit, csv_text(g.best_case), num(g.peak), num(fpeak),
                           num(g.model_median), num(fmed), g.value ? fmt::format("{:.3f}", g.z) : "",
                           g.outlier ? "yes" : "no", g.value ? "measured" : g.on_shared_gpu ? "kept_out_shared_gpu" : "no_verified_figure",
                           csv_text(g.problem));
        if (out.size() >= kPieceBytes) {
          piece(out);
          out.clear();
        }
      }
    }
  }
  piece(out);
}

}  // namespace capbench
