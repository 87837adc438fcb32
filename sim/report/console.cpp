// The terminal summary. It is printed from make_report_json's output, so every figure on the
// console is the report.json figure of the same name (docs/REPORT.md defines them).
#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "sim/report/writers.hpp"

namespace ascendsim::report {
namespace {

// printf-style for one double; "n/a" for a null (undefined or non-finite) figure.
std::string fmt(const Json& v, const char* format, double scale = 1.0) {
  if (!v.is_number()) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v.get<double>() * scale);
  return buf;
}

std::string bytes_text(const Json& v) {
  if (!v.is_number()) return "n/a";
  const double b = v.get<double>();
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  double x = b;
  while (x >= 1000 && u < 4) {
    x /= 1000;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, u ? "%.2f %s" : "%.0f %s", x, units[u]);
  return buf;
}

std::string signed_pct(const Json& v) { return fmt(v, "%+.1f %%", 100.0); }

std::string scalar_text(const Json& v) {
  if (v.is_number_float()) return fmt(v, "%.4g");
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void print_check(const Json& check, std::ostream& out) {
  out << "  check      ";
  if (!check.is_object() || check.empty() || check.value("performed", true) == false ||
      !check.contains("passed")) {
    out << "not performed\n";
    return;
  }
  out << (check["passed"] == true ? "PASS" : "FAIL");
  std::vector<std::string> listed;
  for (auto it = check.begin(); it != check.end(); ++it) {
    if (it.key() == "performed" || it.key() == "passed") continue;
    if (it.value().is_array()) {
      for (const auto& e : it.value()) listed.push_back(it.key() + ": " + scalar_text(e));
      continue;
    }
    // Long texts (a bound's derivation, a definition) stay in report.json only.
    if (it.value().is_string() && it.value().get<std::string>().size() > 40) continue;
    out << "  " << it.key() << "=" << scalar_text(it.value());
  }
  out << "\n";
  const std::size_t shown = std::min<std::size_t>(listed.size(), 10);
  for (std::size_t i = 0; i < shown; ++i) out << "             - " << listed[i] << "\n";
  if (listed.size() > shown) out << "             ... " << listed.size() - shown << " more\n";
}

void print_stalls(const Json& stalls, std::ostream& out) {
  std::vector<std::tuple<std::uint64_t, std::string>> top;  // (cycles, "aic.m flag_mte1")
  for (auto p = stalls.begin(); p != stalls.end(); ++p)
    for (auto c = p.value().begin(); c != p.value().end(); ++c)
      if (c.value().get<std::uint64_t>() > 0)
        top.emplace_back(c.value().get<std::uint64_t>(), p.key() + " " + c.key());
  std::stable_sort(top.begin(), top.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  out << "  stalls     ";
  if (top.empty()) out << "none";
  for (std::size_t i = 0; i < std::min<std::size_t>(top.size(), 4); ++i)
    out << (i ? " | " : "") << std::get<1>(top[i]) << " " << std::get<0>(top[i]);
  out << (top.empty() ? "\n" : " cycles (summed over cores)\n");
}

}  // namespace

void print_console_summary(const RunSummary& run, std::ostream& out) {
  const Json r = make_report_json(run);
  out << "AscendSim: " << r["kernel"].get<std::string>() << " on "
      << r["hardware"].get<std::string>() << (run.timing_only ? " (timing only)" : "") << "\n";
  out << "  cycles     " << r["cycles"].get<std::uint64_t>() << "  (" << fmt(r["time_us"], "%.3f")
      << " us at " << fmt(r["clock_ghz"], "%.3g") << " GHz)\n";
  out << "  compute    " << fmt(r["tflops"], "%.3f") << " TFLOPS of "
      << fmt(r["peak_tflops"], "%.1f") << " peak " << r["peak_dtype"].get<std::string>()
      << "   cube " << fmt(r["cube_utilization"], "%.1f %%", 100) << "   vector "
      << fmt(r["vector_utilization"], "%.1f %%", 100) << "\n";
  const Json& hbm = r["hbm"];
  out << "  HBM        read " << bytes_text(hbm["read_bytes"]) << ", write "
      << bytes_text(hbm["write_bytes"]) << "   " << fmt(hbm["bandwidth_gbps"], "%.1f")
      << " GB/s = " << fmt(hbm["bandwidth_utilization"], "%.1f %%", 100) << " of peak\n";
  const Json& l2 = r["l2"];
  out << "  L2         hit rate " << fmt(l2["hit_rate"], "%.1f %%", 100) << "   writebacks "
      << l2["writebacks"].get<std::uint64_t>() << "\n";
  print_stalls(r["stalls"], out);
  if (r["model"].is_object()) {
    const Json& m = r["model"];
    out << "  model      " << fmt(m["cycles"], "%.0f") << " cycles (sim "
        << signed_pct(m["cycles_rel_error"]) << "), HBM " << bytes_text(m["hbm_bytes"]) << " (sim "
        << signed_pct(m["hbm_bytes_rel_error"]) << "), bound: "
        << (m["bound"].get<std::string>().empty() ? "-" : m["bound"].get<std::string>()) << "\n";
    // A kernel's model may say in words why the utilization is what it is.
    if (m["detail"].is_object() && m["detail"].contains("why") && m["detail"]["why"].is_string())
      out << "             why: " << m["detail"]["why"].get<std::string>() << "\n";
  }
  const Json& sync = r["sync"];
  if (sync.is_object() && (sync.value("aic_cross_core_wait_cycles", 0.0) > 0 ||
                           sync.value("aiv_cross_core_wait_cycles", 0.0) > 0))
    out << "  sync       issue blocked on cross-core flags: AIC "
        << fmt(sync["aic_cross_core_wait_share"], "%.1f %%", 100) << ", AIV "
        << fmt(sync["aiv_cross_core_wait_share"], "%.1f %%", 100)
        << " of the run (mean per core; its pipes may still be busy)\n";
  print_check(r["check"], out);
  const Json& ev = r["numeric_events"];
  const Json& total = ev["total"];
  std::uint64_t any = 0;
  for (const auto& v : total) any += v.get<std::uint64_t>();
  if (any) {
    out << "  numeric   ";
    for (auto it = total.begin(); it != total.end(); ++it)
      out << " " << it.key() << " " << it.value().get<std::uint64_t>();
    out << "\n";
  }
  auto print_first = [&](const Json& f, const char* title) {
    if (!f.is_object()) return;
    out << "  " << title << ": " << f["core"].get<std::string>() << " instruction #"
        << f["instruction_index"].get<std::uint64_t>() << " at cycle "
        << f["cycle"].get<std::uint64_t>();
    if (f["region"].is_string()) out << " (" << f["region"].get<std::string>() << ")";
    out << ": " << f["what"].get<std::string>() << "\n";
  };
  print_first(ev["first"], "first numeric event");
  // the same instruction is not named twice
  if (ev["first_overflow"] != ev["first"]) print_first(ev["first_overflow"], "first overflow");
  for (const auto& n : r["notes"]) out << "  note: " << n.get<std::string>() << "\n";
}

}  // namespace ascendsim::report
