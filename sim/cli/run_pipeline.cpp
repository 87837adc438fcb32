#include "sim/cli/run_pipeline.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "models/chip/simulate.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/progress.hpp"
#include "sim/report/writers.hpp"

namespace ascendsim::cli {

std::unique_ptr<kernels::Kernel> kernel_for_run(const RunConfig& rc) {
  auto kernel = kernels::create_kernel(rc.run.child("kernel"));
  rc.run.finish();
  return kernel;
}

isa::Program build_program(kernels::Kernel& kernel, const RunConfig& rc, bool functional) {
  isa::Program program = kernel.build(rc.hw, functional);
  // The kernel node as configured (overrides applied), so that a dumped trace can recreate
  // the kernel for its check and model (`trace run`).
  program.kernel = rc.run.child("kernel").dump_flow();
  return program;
}

report::RunSummary simulate_program(isa::Program& program, const config::HardwareConfig& hw,
                                    bool timing_only, bool trace) {
  report::RunSummary summary;
  summary.hw = &hw;
  summary.timing_only = timing_only;
  models::SimOptions opts;
  opts.functional = !timing_only;
  opts.timeline = trace;
  Progress progress(program.instruction_count());
  opts.completed_instructions = progress.counter();
  models::SimResult result = models::simulate(program, hw, opts);
  progress.stop();
  summary.stats = std::move(result.stats);
  summary.timeline = std::move(result.timeline);
  for (const auto& line : summary.stats.unbalanced_sync)
    summary.notes.push_back("unbalanced sync at the end of the run: " + line);
  return summary;
}

void attach_kernel_results(report::RunSummary& summary, const kernels::Kernel* kernel,
                           const isa::Program& program, const config::HardwareConfig& hw) {
  if (!kernel) {
    summary.check = report::Json{{"performed", false}};
    summary.notes.push_back("no kernel reference for this program: numerical check not run");
    return;
  }
  summary.kernel = kernel->name();
  summary.kernel_params = kernel->params();
  report::Json check{{"performed", false}};
  if (!summary.timing_only) {
    const kernels::CheckResult c = kernel->check(program);
    check = report::Json{{"performed", c.performed},  {"passed", c.passed},
                         {"max_abs_error", c.max_abs_error}, {"max_rel_error", c.max_rel_error},
                         {"rmse", c.rmse},             {"compared", c.compared}};
    for (auto& [k, v] : c.extra.items()) check[k] = v;
  } else {
    summary.notes.push_back("timing-only run: no data effects, numerical check not run");
  }
  summary.check = check;
  const kernels::ModelPrediction m = kernel->analytic(hw);
  summary.model.present = true;
  summary.model.cycles = m.cycles;
  summary.model.hbm_bytes = m.hbm_bytes;
  summary.model.bound = m.bound;
  summary.model.detail = m.detail;
  // Where the paper's closed form is inconsistent or leaves something out, the model says so.
  if (m.detail.contains("notes"))
    for (const auto& n : m.detail["notes"]) summary.notes.push_back("model: " + n.get<std::string>());
}

namespace {

void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

int finish_run(const report::RunSummary& summary, const std::string& out_dir,
               const std::string& effective_config, bool quiet, std::ostream& out) {
  report::write_report_files(summary, out_dir);
  write_text(std::filesystem::path(out_dir) / "effective_config.yaml", effective_config);
  // Host facts stay out of report.json so that goldens never depend on the machine or clock.
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  report::Json meta{{"schema", "ascendsim.run_meta/1"}, {"finished_utc", stamp},
                    {"instructions", 0}};
  std::uint64_t n = 0;
  for (const auto& c : summary.stats.cores)
    for (const auto& p : c.pipes) n += p.instructions;
  meta["instructions"] = n;
  write_text(std::filesystem::path(out_dir) / "run_meta.json", report::dump_json(meta));
  if (!quiet) {
    report::print_console_summary(summary, out);
    out << "report: " << out_dir << "/report.json\n";
  }
  const bool failed = summary.check.value("performed", false) && !summary.check.value("passed", false);
  return failed ? kExitCheckFailed : kExitOk;
}

RunOutcome execute_run(const RunOptions& options, std::ostream& out) {
  RunConfig rc = load_run_config(options.run_path, options.overrides);
  auto kernel = kernel_for_run(rc);
  const bool timing_only = options.timing_only || rc.timing_only;
  const bool trace = options.trace || rc.trace;
  const std::string out_dir = options.out_dir.empty() ? rc.out_dir : options.out_dir;

  isa::Program program = build_program(*kernel, rc, !timing_only);
  report::RunSummary summary = simulate_program(program, rc.hw, timing_only, trace);
  attach_kernel_results(summary, kernel.get(), program, rc.hw);

  const std::string effective = "# run: " + rc.run_path + "\n" + rc.run.dump() +
                                "\n---\n# hardware: " + rc.hardware_path + "\n" +
                                rc.hardware_doc.dump() + "\n";
  RunOutcome outcome;
  outcome.out_dir = out_dir;
  outcome.exit_code = finish_run(summary, out_dir, effective, options.quiet, out);
  outcome.report = report::make_report_json(summary);
  return outcome;
}

}  // namespace ascendsim::cli
