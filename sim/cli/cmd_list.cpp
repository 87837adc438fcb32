#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "kernels/common/kernel.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/config/load_hardware.hpp"

namespace ascendsim::cli {

namespace fs = std::filesystem;
namespace po = boost::program_options;

std::string project_root() {
  if (const char* home = std::getenv("ASCENDSIM_HOME")) return home;
#ifdef ASCENDSIM_SOURCE_DIR
  if (fs::exists(fs::path(ASCENDSIM_SOURCE_DIR) / "configs")) return ASCENDSIM_SOURCE_DIR;
#endif
  return ".";
}

int cmd_list(const Args& args, std::ostream& out) {
  po::options_description desc(
      "usage: ascendsim list\n\nLists the kernels this build knows and the hardware configs "
      "under configs/hw/\n(of $ASCENDSIM_HOME, else the source tree).\n\noptions");
  desc.add_options()("help,h", "this help");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  if (vm.count("help")) {
    out << desc;
    return kExitOk;
  }
  out << "kernels:\n";
  for (const auto& k : kernels::kernel_names()) out << "  " << k << "\n";
  out << "hardware (configs/hw/):\n";
  std::vector<fs::path> files;
  const fs::path dir = fs::path(project_root()) / "configs" / "hw";
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const config::HardwareConfig hw = config::load_hardware_file(f.string());
    char line[256];
    std::snprintf(line, sizeof line, "  %-14s %u die x %u AIC / %u AIV, %.2f GHz, %.1f TFLOPS bf16",
                  f.stem().string().c_str(), hw.dies, hw.aic_per_die, hw.aiv_per_die(),
                  hw.clock_hz / 1e9,
                  hw.peak_flops_per_cycle(numeric::DType::bf16) * hw.clock_hz / 1e12);
    out << line << "  (" << fs::relative(f, project_root()).string() << ")\n";
  }
  // configs/runs/ holds run files and compare files (top key `compare:`); list them apart.
  std::vector<std::string> runs, compares;
  const fs::path rdir = fs::path(project_root()) / "configs" / "runs";
  if (fs::exists(rdir))
    for (const auto& e : fs::directory_iterator(rdir)) {
      if (e.path().extension() != ".yaml") continue;
      // lexically: fs::relative would resolve default.yaml's symlink to its target's name.
      std::string rel = e.path().lexically_relative(project_root()).string();
      if (e.is_symlink()) rel += " -> " + fs::read_symlink(e.path()).string();
      (config::ConfigNode::load_file(e.path().string()).has("compare") ? compares : runs)
          .push_back(rel);
    }
  std::vector<std::string> sweeps;
  const fs::path sdir = fs::path(project_root()) / "configs" / "sweeps";
  if (fs::exists(sdir))
    for (const auto& e : fs::directory_iterator(sdir))
      if (e.path().extension() == ".yaml")
        sweeps.push_back(fs::relative(e.path(), project_root()).string());
  for (auto* group : {&runs, &compares, &sweeps}) std::sort(group->begin(), group->end());
  out << "runs (ascendsim run FILE):\n";
  for (const auto& r : runs) out << "  " << r << "\n";
  out << "compares (ascendsim compare FILE --out DIR):\n";
  for (const auto& r : compares) out << "  " << r << "\n";
  out << "sweeps (ascendsim sweep FILE -j N --out DIR):\n";
  for (const auto& r : sweeps) out << "  " << r << "\n";
  return kExitOk;
}

}  // namespace ascendsim::cli
