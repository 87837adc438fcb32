#pragma once
// What every kernel provides: a generator (Program for a chip), an fp64 reference check of the
// final GM contents, and its paper's closed-form model of cycles and HBM traffic.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/config_node.hpp"
#include "sim/config/hardware_config.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

using Json = nlohmann::ordered_json;

struct CheckResult {
  bool performed = false;  // false in timing-only mode
  bool passed = false;
  double max_abs_error = 0, max_rel_error = 0, rmse = 0;
  std::uint64_t compared = 0;  // output elements compared
  Json extra = Json::object();  // kernel-specific fields (tolerances used, bound derivation...)
};

struct ModelPrediction {
  double cycles = 0;      // predicted total cycles of the run
  double hbm_bytes = 0;   // predicted HBM traffic (read + write)
  std::string bound;      // which resource bounds it: "cube", "hbm", "l2", "mte1", "fixpipe", ...
  Json detail = Json::object();  // per-term breakdown, each term in cycles
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual std::string name() const = 0;
  // `functional` false: declare tensors without data (timing-only); instructions are identical.
  virtual isa::Program build(const config::HardwareConfig& hw, bool functional) = 0;
  // `result` is the program whose tensors now hold the final GM bytes.
  virtual CheckResult check(const isa::Program& result) const = 0;
  virtual ModelPrediction analytic(const config::HardwareConfig& hw) const = 0;
  // Parameters as resolved (defaults filled in), for the report.
  virtual Json params() const = 0;
};

// Creates a kernel from the run config's `kernel:` node (`name:` plus its parameters), reading
// and consuming every parameter; ConfigError on unknown names or bad values.
std::unique_ptr<Kernel> create_kernel(const config::ConfigNode& kernel_node);
std::vector<std::string> kernel_names();

}  // namespace ascendsim::kernels
