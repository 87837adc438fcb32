#pragma once
// A run file (configs/runs/*.yaml):
//   hardware: ../hw/ascend910b2.yaml   # relative to the run file
//   kernel: {name: gemm, ...}          # the kernel and its parameters
//   output: {dir: out/default, trace: false}
//   timing_only: false
// `--set` assignments whose path starts with `chip.` go to the hardware file, all others to
// the run file, so one flag reaches every field of both.
#include <string>
#include <vector>

#include "sim/config/config_node.hpp"
#include "sim/config/hardware_config.hpp"

namespace ascendsim::cli {

struct RunConfig {
  std::string run_path;
  std::string name;                  // run file stem, "default"
  config::ConfigNode run;            // the run document (overrides applied)
  std::string hardware_path;         // resolved path of the hardware file
  config::ConfigNode hardware_doc;   // the hardware document (overrides applied)
  config::HardwareConfig hw;
  std::string out_dir;
  bool trace = false;
  bool timing_only = false;
};

// Loads the run and its hardware, applies overrides, reads the output options. The kernel node
// is left for the kernel to read; call `finish()` on `run` after creating the kernel.
RunConfig load_run_config(const std::string& path, const std::vector<std::string>& overrides);

// Splits overrides into hardware ones (`chip.`...) and run ones.
void split_overrides(const std::vector<std::string>& all, std::vector<std::string>& hardware,
                     std::vector<std::string>& run);

// A path written in a config file, taken relative to that file's folder.
std::string resolve_relative(const std::string& config_file, const std::string& path);

}  // namespace ascendsim::cli
