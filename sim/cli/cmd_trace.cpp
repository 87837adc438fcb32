// `ascendsim trace dump RUN.yaml` writes a run's program as a text trace (traces/FORMAT.md);
// `ascendsim trace run FILE.trace --hw HW.yaml` simulates one. A trace dumped from a kernel
// names that kernel, so its re-run carries the same check and model as the original run.
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/options.hpp"
#include "sim/cli/run_pipeline.hpp"
#include "sim/config/load_hardware.hpp"
#include "sim/trace/materialize.hpp"
#include "sim/trace/trace_reader.hpp"
#include "sim/trace/trace_writer.hpp"

namespace ascendsim::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kTraceUsage =
    "usage: ascendsim trace dump RUN.yaml [--set k=v]... [-o FILE] [--timing-only]\n"
    "       ascendsim trace run FILE.trace --hw HW.yaml [--set chip.k=v]... [--out DIR]\n"
    "                          [--timing-only] [--trace]\n\n"
    "dump: writes the program a run file generates as a text trace (stdout, or FILE plus a\n"
    "      .npy beside it for every tensor that holds explicit data).\n"
    "run:  simulates a trace on a hardware config and writes the same report files as `run`.\n";

std::unique_ptr<kernels::Kernel> kernel_of_trace(const isa::Program& program,
                                                 const std::string& trace_path) {
  if (program.kernel.empty()) return nullptr;
  config::ConfigNode node = config::ConfigNode::from_string(program.kernel, trace_path + " (kernel line)");
  auto kernel = kernels::create_kernel(node);
  node.finish();
  return kernel;
}

int trace_dump(const Args& args, std::ostream& out) {
  std::string run_path, out_path;
  std::vector<std::string> sets;
  bool timing_only = false;
  po::options_description desc(std::string(kTraceUsage) + "\ndump options");
  desc.add_options()("help,h", "this help")(
      "set", po::value<std::vector<std::string>>(&sets)->composing(), "override key.path=value")(
      "output,o", po::value<std::string>(&out_path), "trace file to write (default: stdout)")(
      "timing-only", po::bool_switch(&timing_only), "declare tensors without data");
  if (!parse_command_line(args, desc, run_path, "the run file (RUN.yaml)", out)) return kExitOk;
  RunConfig rc = load_run_config(run_path, sets);
  auto kernel = kernel_for_run(rc);
  isa::Program program = build_program(*kernel, rc, !(timing_only || rc.timing_only));
  if (!out_path.empty()) {
    const fs::path parent = fs::path(out_path).parent_path();
    if (!parent.empty()) fs::create_directories(parent);
    trace::write_trace_files(program, out_path);
    std::cerr << "wrote " << out_path << " (" << program.instruction_count()
              << " instructions on " << program.cores.size() << " cores)\n";
    return kExitOk;
  }
  for (const auto& t : program.tensors)
    if (t.init.kind == isa::TensorInit::Kind::data)
      throw config::ConfigError("tensor '" + t.name +
                                "' holds explicit data, which a trace keeps in a .npy file: "
                                "use -o FILE so it can be written beside the trace");
  out << trace::write_trace(program);
  return kExitOk;
}

int trace_run(const Args& args, std::ostream& out) {
  std::string trace_path, hw_path, out_dir;
  std::vector<std::string> sets;
  bool timing_only = false, timeline = false, quiet = false;
  po::options_description desc(std::string(kTraceUsage) + "\nrun options");
  desc.add_options()("help,h", "this help")("hw", po::value<std::string>(&hw_path),
                                            "hardware config (configs/hw/*.yaml), required")(
      "set", po::value<std::vector<std::string>>(&sets)->composing(),
      "override a hardware field: chip.key.path=value")(
      "out", po::value<std::string>(&out_dir), "output directory (default out/trace_<name>)")(
      "timing-only", po::bool_switch(&timing_only), "skip data effects")(
      "trace", po::bool_switch(&timeline), "also write trace.json")(
      "quiet,q", po::bool_switch(&quiet), "no console summary");
  if (!parse_command_line(args, desc, trace_path, "the trace file", out)) return kExitOk;
  if (hw_path.empty()) throw po::error("missing --hw HW.yaml");
  for (const auto& s : sets)
    if (s.rfind("chip.", 0) != 0)
      throw config::ConfigError("--set " + s + ": a trace run only takes hardware overrides (chip.*)");

  config::ConfigNode hw_doc = config::ConfigNode::load_file(hw_path);
  for (const auto& s : sets) hw_doc.apply_override(s);
  const config::HardwareConfig hw = config::load_hardware(hw_doc);
  isa::Program program = trace::read_trace(trace_path);
  auto kernel = kernel_of_trace(program, trace_path);
  // The kernel resolves its plan (tiling, padding) for the report while it builds; its
  // instructions are not used: the trace's are simulated.
  if (kernel) kernel->build(hw, /*functional=*/false);
  if (!timing_only) trace::materialize_tensors(program);

  report::RunSummary summary = simulate_program(program, hw, timing_only, timeline);
  summary.kernel = "trace:" + fs::path(trace_path).filename().string();
  attach_kernel_results(summary, kernel.get(), program, hw);
  if (out_dir.empty()) out_dir = "out/trace_" + fs::path(trace_path).stem().string();
  const std::string effective = "# trace: " + trace_path + "\n---\n# hardware: " + hw_path +
                                "\n" + hw_doc.dump() + "\n";
  return finish_run(summary, out_dir, effective, quiet, out);
}

}  // namespace

int cmd_trace(const Args& args, std::ostream& out) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    out << kTraceUsage;
    return args.empty() ? kExitBadInput : kExitOk;
  }
  const Args rest(args.begin() + 1, args.end());
  if (args[0] == "dump") return trace_dump(rest, out);
  if (args[0] == "run") return trace_run(rest, out);
  throw po::error("unknown trace action '" + args[0] + "' (expected dump or run)");
}

}  // namespace ascendsim::cli
