// ascendsim: the command line. Dispatches to a subcommand and maps errors to exit codes:
// 0 ok, 1 check or golden failed, 2 bad input, 3 simulation error.
#include <boost/program_options/errors.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/config/config_node.hpp"
#include "sim/isa/sim_error.hpp"

#include <systemc>  // declares sc_main extern "C"; SystemC owns main()

namespace {

constexpr const char* kUsage = R"(usage: ascendsim <command> [options]

A cycle-level simulator of Huawei Ascend NPUs (DaVinci AI cores).

commands:
  run RUN.yaml        simulate a run file and write its report
  trace dump|run      write a run's program as a text trace / simulate a trace file
  list                kernels and hardware configs this build knows
  check GOLDEN.yaml   run a golden file's run and compare report fields with expectations
  compare FILE.yaml   run variants side by side
  sweep SWEEP.yaml    cross the axes of a sweep file, one row per point, and plot

`ascendsim <command> --help` describes a command's options.
exit codes: 0 ok, 1 check/golden failed, 2 bad input, 3 simulation error (deadlock, out of bounds)
)";

}  // namespace

int sc_main(int argc, char* argv[]) {
  using namespace ascendsim;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? cli::kExitBadInput : cli::kExitOk;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "run") return cli::cmd_run(args, std::cout);
    if (command == "trace") return cli::cmd_trace(args, std::cout);
    if (command == "list") return cli::cmd_list(args, std::cout);
    if (command == "check") return cli::cmd_check(args, std::cout);
    if (command == "compare") return cli::cmd_compare(args, std::cout);
    if (command == "sweep") return cli::cmd_sweep(args, std::cout);
    std::cerr << "ascendsim: unknown command '" << command << "'\n\n" << kUsage;
    return cli::kExitBadInput;
  } catch (const config::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return cli::kExitBadInput;
  } catch (const boost::program_options::error& e) {
    std::cerr << "error: " << e.what() << " (see 'ascendsim " << command << " --help')\n";
    return cli::kExitBadInput;
  } catch (const isa::SimulationError& e) {
    std::cerr << "simulation error: " << e.what() << "\n";
    return cli::kExitSimError;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return cli::kExitBadInput;
  }
}
