#pragma once
// Everything one run produced, handed to the writers. Kernel-specific parts (check, model) come
// in as JSON so sim/report stays independent of kernels/.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/hardware_config.hpp"
#include "sim/report/stats.hpp"
#include "sim/report/timeline.hpp"

namespace ascendsim::report {

using Json = nlohmann::ordered_json;

struct ModelFigures {
  bool present = false;
  double cycles = 0;
  double hbm_bytes = 0;
  std::string bound;
  Json detail = Json::object();
};

struct RunSummary {
  std::string kernel;             // "gemm" or "trace:<file name>"
  Json kernel_params = Json::object();
  const config::HardwareConfig* hw = nullptr;
  bool timing_only = false;
  Stats stats;
  Json check = Json::object();    // {"performed", "passed", "max_abs_error", ...}
  ModelFigures model;
  std::vector<std::string> notes;
  Timeline timeline;
};

}  // namespace ascendsim::report
