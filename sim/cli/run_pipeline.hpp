#pragma once
// One run, end to end: config -> kernel -> program -> chip -> check -> model -> report files.
// Library code: throws config::ConfigError (bad input) or isa::SimulationError; `main` maps them
// to exit codes.
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/kernel.hpp"
#include "sim/cli/run_config.hpp"
#include "sim/isa/program.hpp"
#include "sim/report/run_summary.hpp"

namespace ascendsim::cli {

struct RunOptions {
  std::string run_path;
  std::vector<std::string> overrides;  // --set
  std::string out_dir;                 // --out, overrides output.dir
  bool timing_only = false;            // --timing-only (or the run file's timing_only)
  bool trace = false;                  // --trace (or output.trace)
  bool quiet = false;                  // no console summary (sweeps, compare workers)
};

struct RunOutcome {
  int exit_code = 0;
  std::string out_dir;
  report::Json report;
};

// `ascendsim run`: simulates, writes report.json, CSVs, effective_config.yaml, run_meta.json.
RunOutcome execute_run(const RunOptions& options, std::ostream& out);

// Simulates an already built program and produces the summary (shared by `run`, `trace run`).
report::RunSummary simulate_program(isa::Program& program, const config::HardwareConfig& hw,
                                    bool timing_only, bool trace);
// Fills check/model/params from the kernel (nullptr for a trace without a known kernel).
void attach_kernel_results(report::RunSummary& summary, const kernels::Kernel* kernel,
                           const isa::Program& program, const config::HardwareConfig& hw);
// Writes the report files plus run_meta.json; prints the console summary unless quiet.
int finish_run(const report::RunSummary& summary, const std::string& out_dir,
               const std::string& effective_config, bool quiet, std::ostream& out);

// Creates the kernel named by the run's `kernel:` node and checks the run file has no unknown keys.
std::unique_ptr<kernels::Kernel> kernel_for_run(const RunConfig& rc);
// kernel.build() on the run's hardware, with Program::kernel set to the run's kernel node.
isa::Program build_program(kernels::Kernel& kernel, const RunConfig& rc, bool functional);

}  // namespace ascendsim::cli
