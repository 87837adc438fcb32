#include <boost/program_options.hpp>
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/options.hpp"
#include "sim/cli/run_pipeline.hpp"

namespace ascendsim::cli {

namespace po = boost::program_options;

int cmd_run(const Args& args, std::ostream& out) {
  RunOptions opt;
  po::options_description desc(
      "usage: ascendsim run RUN.yaml [options]\n\n"
      "Simulates the kernel and hardware a run file names, checks the result against the\n"
      "kernel's fp64 reference, and writes report.json, msprof-style CSVs,\n"
      "effective_config.yaml and run_meta.json (and trace.json with --trace) to the output\n"
      "directory.\n\noptions");
  desc.add_options()("help,h", "this help")(
      "set", po::value<std::vector<std::string>>(&opt.overrides)->composing(),
      "override a field: key.path=value (chip.* keys go to the hardware file); repeatable")(
      "out", po::value<std::string>(&opt.out_dir), "output directory (default: output.dir of the run, else out/<run name>)")(
      "timing-only", po::bool_switch(&opt.timing_only),
      "skip data effects and the numerical check; cycles are identical")(
      "trace", po::bool_switch(&opt.trace), "also write trace.json (Chrome trace / Perfetto)")(
      "quiet,q", po::bool_switch(&opt.quiet), "no console summary");
  if (!parse_command_line(args, desc, opt.run_path, "the run file (RUN.yaml)", out,
                          "\nexample: ascendsim run configs/runs/gemm_4096.yaml --set kernel.m=1024\n"))
    return kExitOk;
  return execute_run(opt, out).exit_code;
}

}  // namespace ascendsim::cli
