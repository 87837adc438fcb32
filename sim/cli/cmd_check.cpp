// `ascendsim check GOLDEN.yaml`: runs a golden file's run (in this process: one simulation) and
// compares report.json fields with the golden's expectations. Schema:
//
//   golden:
//     run: ../../configs/runs/gemm_small.yaml   # relative to the golden file
//     set: [kernel.m=256]                       # optional overrides
//     timing_only: false                        # optional
//     kernel_check: pass                        # optional: pass | fail (a golden of a failure,
//                                               #   e.g. an overflow case, expects fail)
//     expect:                                   # report.json dotted paths (report_fields.hpp)
//       cycles: {value: 123456, why: "deterministic simulator: exact"}
//       cube_utilization: {value: 0.91, abs_tol: 0.005, why: "..."}
//       check.passed: {value: true}
//
// Exit: 0 all match, 1 a miss (or the kernel's own numerical check failed), 2 a bad golden
// (unknown key, unknown report field, a value of the wrong type), 3 a simulation error.
#include <boost/program_options.hpp>
#include <filesystem>
#include <ostream>
#include <sstream>

#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/options.hpp"
#include "sim/cli/report_fields.hpp"
#include "sim/cli/run_pipeline.hpp"
#include "sim/cli/subprocess.hpp"
#include "sim/cli/table.hpp"
#include "sim/config/units.hpp"

namespace ascendsim::cli {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

struct GoldenField {
  Expectation expect;
  config::ConfigNode key;    // the expectation's node, for errors naming the golden's line
  config::ConfigNode value;  // its `value:`
};

struct Golden {
  std::string run_text;  // `run:` as written
  std::string run_path;
  std::vector<std::string> sets;
  bool timing_only = false;
  bool check_fails = false;  // kernel_check: fail
  std::vector<GoldenField> fields;
  std::optional<config::ConfigNode> run_node;
};

Golden read_golden(const std::string& path) {
  const config::ConfigNode root = config::ConfigNode::load_file(path);
  const config::ConfigNode g = root.child("golden");
  Golden golden;
  golden.run_node = g.child("run");
  golden.run_path = run_file_at(path, *golden.run_node);
  golden.run_text = golden.run_node->as_string();
  read_sets(g, golden.sets);
  golden.timing_only = g.get_bool("timing_only", false);
  if (const auto kc = g.optional_child("kernel_check")) {
    golden.check_fails = kc->as_enum({"pass", "fail"}) == "fail";
    if (golden.check_fails && golden.timing_only)
      kc->fail("pass: a timing-only run performs no numerical check that could fail");
  }

  const config::ConfigNode expect = g.child("expect");
  const std::vector<std::string> keys = expect.keys();
  if (keys.empty()) expect.fail("a map of at least one report field to its expectation");
  for (const std::string& key : keys) {
    const config::ConfigNode node = expect.child(key);
    const config::ConfigNode value = node.child("value");
    Expectation e;
    e.field = key;
    if (value.is_scalar()) {
      e.text = value.as_string();
      e.is_null = e.text == "null" || e.text == "~" || e.text == "Null" || e.text == "NULL";
    } else if (!value.is_map() && !value.is_sequence()) {
      e.is_null = true;  // `value:` or `value: null`
      value.mark_consumed();
    } else {
      value.fail("a single value (a number, true/false, text or null)");
    }
    e.abs_tol = node.get_double("abs_tol", 0.0, 0.0);
    e.rel_tol = node.get_double("rel_tol", 0.0, 0.0);
    e.why = node.get_string("why", "");
    golden.fields.push_back({e, node, value});
  }
  root.finish();
  return golden;
}

// An override error from the run names "--set k=v"; say it came from this golden's `set`.
[[noreturn]] void rethrow_in_golden(const config::ConfigError& e, const Golden& g) {
  const std::string what = e.what();
  if (what.rfind("--set ", 0) == 0) throw config::ConfigError(g.run_node->where() + ": " + what);
  throw e;
}

// The golden again with the actual values (tolerances and whys kept): `check --record`.
void print_recorded(const Golden& g, const std::string& path, const Json& report,
                    std::ostream& out) {
  using config::units::quote;
  out << "# " << path << "\n# recorded by `ascendsim check --record`: review every changed "
      << "value and its why\n# before committing (tests/regression/README.md).\n"
      << "golden:\n  run: " << g.run_text << "\n";
  if (!g.sets.empty()) {
    out << "  set: [";
    for (std::size_t i = 0; i < g.sets.size(); ++i) out << (i ? ", " : "") << quote(g.sets[i]);
    out << "]\n";
  }
  if (g.timing_only) out << "  timing_only: true\n";
  if (g.check_fails) out << "  kernel_check: fail\n";
  out << "  expect:\n";
  for (const GoldenField& f : g.fields) {
    const FieldLookup found = find_field(report, f.expect.field);
    if (!found.found) throw config::ConfigError(f.key.where() + ": " + found.error);
    const Json& v = found.value;
    out << "    " << f.expect.field
        << ": {value: " << (v.is_string() ? quote(v.get<std::string>()) : field_text(v, "null"));
    if (f.expect.abs_tol > 0) out << ", abs_tol: " << field_text(Json(f.expect.abs_tol));
    if (f.expect.rel_tol > 0) out << ", rel_tol: " << field_text(Json(f.expect.rel_tol));
    if (!f.expect.why.empty()) out << ", why: " << quote(f.expect.why);
    out << "}\n";
  }
}

}  // namespace

int cmd_check(const Args& args, std::ostream& out) {
  std::string golden_path, out_dir;
  bool record = false;
  po::options_description desc(
      "usage: ascendsim check GOLDEN.yaml [--out DIR]\n\n"
      "Runs the run a golden file names (with its overrides), then compares report.json\n"
      "fields with the golden's expected values and tolerances. Prints one line per field\n"
      "(expected, actual, tolerance, OK / MISS). Exit 0: all match; 1: a field missed or the\n"
      "kernel's numerical check failed; 2: bad golden file (unknown key or report field);\n"
      "3: simulation error. Goldens live in tests/regression/ (see its README.md).\n\noptions");
  desc.add_options()("help,h", "this help")("out", po::value<std::string>(&out_dir),
                                            "output directory (default: out/check/<golden stem>)")(
      "record", po::bool_switch(&record),
      "print the golden with this run's actual values instead of checking (to regenerate it "
      "deliberately: review, then replace the file)");
  if (!parse_command_line(
          args, desc, golden_path, "the golden file (GOLDEN.yaml)", out,
          "\nexample: ascendsim check tests/regression/gemm_bf16_512.yaml\n"
          "         ascendsim check tests/regression/gemm_bf16_512.yaml --record > new.yaml\n"))
    return kExitOk;

  const Golden golden = read_golden(golden_path);
  RunOptions opt;
  opt.run_path = golden.run_path;
  opt.overrides = golden.sets;
  opt.out_dir = out_dir.empty() ? "out/check/" + fs::path(golden_path).stem().string() : out_dir;
  opt.timing_only = golden.timing_only;
  opt.quiet = true;
  RunOutcome outcome;
  try {
    std::ostringstream quiet;
    outcome = execute_run(opt, quiet);
  } catch (const config::ConfigError& e) {
    rethrow_in_golden(e, golden);
  }
  // Compare what the file says (9 significant digits), which is what a golden is recorded from.
  const auto report = load_report(outcome.out_dir);
  if (!report) throw std::runtime_error("cannot read " + outcome.out_dir + "/report.json");
  if (record) {
    print_recorded(golden, golden_path, *report, out);
    return kExitOk;
  }

  Table table({"field", "expected", "actual", "tolerance", "result"});
  std::vector<std::string> misses;
  for (const GoldenField& f : golden.fields) {
    const FieldLookup found = find_field(*report, f.expect.field);
    if (!found.found) throw config::ConfigError(f.key.where() + ": " + found.error);
    const FieldVerdict v = compare_field(f.expect, found.value);
    if (!v.bad_expectation.empty())
      throw config::ConfigError(f.value.where() + ": " + v.bad_expectation);
    const std::string expected = f.expect.is_null ? "null" : f.expect.text;
    const std::string tol = tolerance_text(f.expect, found.value);
    table.add_row({f.expect.field, expected, v.actual, tol, v.ok ? "OK" : "MISS"});
    if (!v.ok)
      misses.push_back("MISS " + f.expect.field + ": expected " + expected + " (" + tol +
                       "), got " + v.actual +
                       (f.expect.why.empty() ? "" : "; why: " + f.expect.why));
  }
  out << "golden " << golden_path << ": run " << golden.run_path << " -> " << outcome.out_dir
      << "\n";
  table.print(out);
  for (const auto& m : misses) out << m << "\n";
  const std::size_t n = golden.fields.size();
  out << (n - misses.size()) << " of " << n << " fields match";
  int code = misses.empty() ? kExitOk : kExitCheckFailed;
  const bool failed = outcome.exit_code == kExitCheckFailed;
  if (failed && !golden.check_fails) {
    out << "; the kernel's numerical check FAILED (see " << outcome.out_dir << "/report.json)";
    code = kExitCheckFailed;
  } else if (!failed && golden.check_fails) {
    out << "; the kernel's numerical check passed, but the golden expects it to fail "
           "(kernel_check: fail)";
    code = kExitCheckFailed;
  } else if (failed) {
    out << "; the kernel's numerical check failed, as the golden expects (kernel_check: fail)";
  }
  out << "\n";
  return code;
}

}  // namespace ascendsim::cli
