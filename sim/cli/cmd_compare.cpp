// `ascendsim compare COMPARE.yaml`: runs variants of a run side by side, each as a child
// process (one simulation per process), and prints one column per variant. Schema:
//
//   compare:
//     run: ../runs/gemm_small.yaml          # relative to this file; the variants' default
//     variants:
//       - {name: bf16, set: [kernel.dtype=bf16]}
//       - {name: int8, set: [kernel.dtype=int8], run: other_run.yaml}
//     columns: [cycles, tflops, ...]        # report fields; optional (kDefaultColumns)
//     timing_only: false                    # optional
//
// Writes DIR/<variant>/ (each child's out dir, with log.txt), DIR/compare.csv (one row per
// variant) and DIR/compare.json. Exit: the worst child code (3 > 2 > 1 > 0); files are written
// even when some variants failed.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/report_fields.hpp"
#include "sim/cli/run_config.hpp"
#include "sim/cli/subprocess.hpp"
#include "sim/cli/table.hpp"
#include "sim/report/writers.hpp"

namespace ascendsim::cli {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

const std::vector<std::string> kDefaultColumns{
    "cycles",       "time_us",          "tflops",       "cube_utilization",
    "vector_utilization", "hbm.read_bytes", "model.cycles", "model.cycles_rel_error",
    "model.bound",  "check.passed",     "check.max_rel_error"};

struct Variant {
  std::string name, run_path;
  std::vector<std::string> sets;
  config::ConfigNode node;
};

struct CompareFile {
  std::vector<Variant> variants;
  std::vector<std::string> columns;
  std::vector<config::ConfigNode> column_nodes;  // empty when the default list is used
  bool timing_only = false;
};

std::string checked_run(const std::string& file, const config::ConfigNode& node) {
  const std::string path = resolve_relative(file, node.as_string());
  if (!fs::is_regular_file(path)) node.fail("a run file that exists (looked for " + path + ")");
  return path;
}

CompareFile read_compare(const std::string& path) {
  const config::ConfigNode root = config::ConfigNode::load_file(path);
  const config::ConfigNode c = root.child("compare");
  CompareFile file;
  std::string default_run;
  if (const auto run = c.optional_child("run")) default_run = checked_run(path, *run);
  const config::ConfigNode variants = c.child("variants");
  std::set<std::string> names;
  for (const config::ConfigNode& v : variants.items()) {
    const config::ConfigNode name = v.child("name");
    Variant variant{name.as_string(), default_run, {}, v};
    const bool plain = !variant.name.empty() &&
                       variant.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                                                      "QRSTUVWXYZ0123456789_.-") == std::string::npos;
    if (!plain || variant.name == "." || variant.name == "..")
      name.fail("a name of letters, digits, '_', '.', '-' (it names the variant's folder)");
    if (!names.insert(variant.name).second) name.fail("a name no other variant has");
    if (const auto run = v.optional_child("run")) variant.run_path = checked_run(path, *run);
    if (variant.run_path.empty()) v.fail("a `run:` here or under `compare:`");
    if (const auto set = v.optional_child("set"))
      for (const auto& item : set->items()) variant.sets.push_back(item.as_string());
    file.variants.push_back(std::move(variant));
  }
  if (file.variants.empty()) variants.fail("a list of at least one variant");
  if (const auto columns = c.optional_child("columns")) {
    for (const auto& item : columns->items()) {
      file.columns.push_back(item.as_string());
      file.column_nodes.push_back(item);
    }
    if (file.columns.empty()) columns->fail("a list of at least one report field");
  } else {
    file.columns = kDefaultColumns;
  }
  file.timing_only = c.get_bool("timing_only", false);
  root.finish();
  return file;
}

}  // namespace

int cmd_compare(const Args& args, std::ostream& out) {
  std::string compare_path, out_dir;
  std::vector<std::string> extra_sets;
  unsigned jobs = default_jobs();
  bool timing_only = false;
  po::options_description desc(
      "usage: ascendsim compare COMPARE.yaml [--out DIR] [-j N]\n\n"
      "Runs each variant of a compare file as its own process, then prints the variants side\n"
      "by side: one row per report field, one column per variant, and the speedup (cycles of\n"
      "the first variant / cycles of each). Writes DIR/<variant>/ (each run's report and\n"
      "log.txt), DIR/compare.csv and DIR/compare.json. Exit code: the worst of the variants'\n"
      "(3 simulation error > 2 bad input > 1 check failed > 0).\n\noptions");
  desc.add_options()("help,h", "this help")(
      "out", po::value<std::string>(&out_dir), "output directory (default: out/compare/<file stem>)")(
      "jobs,j", po::value<unsigned>(&jobs), "variants run at once (default: hardware threads)")(
      "set", po::value<std::vector<std::string>>(&extra_sets)->composing(),
      "override a field in every variant, after the variant's own; repeatable")(
      "timing-only", po::bool_switch(&timing_only), "run every variant timing-only");
  po::options_description hidden;
  hidden.add_options()("compare", po::value<std::string>(&compare_path));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("compare", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    out << desc << "\nexample: ascendsim compare configs/runs/gemm_compare.yaml --out out/cmp -j 3\n";
    return kExitOk;
  }
  po::notify(vm);
  if (compare_path.empty()) throw po::error("missing the compare file (COMPARE.yaml)");
  if (out_dir.empty()) out_dir = "out/compare/" + fs::path(compare_path).stem().string();

  CompareFile file = read_compare(compare_path);
  timing_only = timing_only || file.timing_only;
  std::vector<ChildJob> children;
  for (Variant& v : file.variants) {
    v.sets.insert(v.sets.end(), extra_sets.begin(), extra_sets.end());
    try {
      precheck_run(v.run_path, v.sets);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(v.node.where() + " (variant " + v.name + "): " + e.what());
    }
    children.push_back(run_job(v.run_path, v.sets, (fs::path(out_dir) / v.name).string(), timing_only));
  }
  const auto status = run_children(children, jobs, "variants");

  // Gather the reports; a column unknown to every report that exists is a bad compare file.
  const std::size_t nv = file.variants.size(), nc = file.columns.size();
  std::vector<std::optional<Json>> reports(nv);
  for (std::size_t v = 0; v < nv; ++v)
    if (exit_code_of(status[v]) <= kExitCheckFailed)
      reports[v] = load_report((fs::path(out_dir) / file.variants[v].name).string());
  std::vector<std::vector<Json>> values(nc, std::vector<Json>(nv));
  std::vector<std::vector<bool>> present(nc, std::vector<bool>(nv, false));
  std::string column_error;
  for (std::size_t c = 0; c < nc; ++c) {
    std::string error;
    bool any_report = false, anywhere = false;
    for (std::size_t v = 0; v < nv; ++v) {
      if (!reports[v]) continue;
      any_report = true;
      const FieldLookup f = find_field(*reports[v], file.columns[c]);
      if (f.found) values[c][v] = f.value, present[c][v] = anywhere = true;
      else error = f.error;
    }
    if (any_report && !anywhere && !file.column_nodes.empty() && column_error.empty())
      column_error = file.column_nodes[c].where() + ": " + error;
  }
  std::vector<Json> speedup(nv);
  for (std::size_t v = 0; v < nv; ++v) {
    if (!reports[0] || !reports[v]) continue;
    const FieldLookup base = find_field(*reports[0], "cycles"), mine = find_field(*reports[v], "cycles");
    if (base.found && mine.found && base.value.is_number() && mine.value.is_number() &&
        mine.value.get<double>() > 0)
      speedup[v] = base.value.get<double>() / mine.value.get<double>();
  }

  // Console: one row per field, one column per variant.
  std::vector<std::string> header{"field"};
  for (const auto& v : file.variants) header.push_back(v.name);
  Table table(header);
  auto add = [&](const std::string& name, const std::vector<std::string>& cells) {
    std::vector<std::string> row{name};
    row.insert(row.end(), cells.begin(), cells.end());
    table.add_row(row);
  };
  for (std::size_t c = 0; c < nc; ++c) {
    std::vector<std::string> cells;
    for (std::size_t v = 0; v < nv; ++v)
      cells.push_back(!reports[v] ? "-" : present[c][v] ? field_display(values[c][v]) : "n/a");
    add(file.columns[c], cells);
    if (file.columns[c] == "cycles") {
      std::vector<std::string> s;
      for (const Json& x : speedup) {
        char text[32];
        std::snprintf(text, sizeof text, "%.2fx", x.is_null() ? 0.0 : x.get<double>());
        s.push_back(x.is_null() ? "-" : text);
      }
      add("speedup", s);
    }
  }
  std::vector<std::string> codes;
  for (const auto& s : status) codes.push_back(std::to_string(s.exit_code));
  add("exit_code", codes);

  // compare.csv: one row per variant; compare.json: the same with the runs' settings.
  std::vector<std::string> csv_header{"variant"};
  csv_header.insert(csv_header.end(), file.columns.begin(), file.columns.end());
  csv_header.insert(csv_header.end(), {"speedup", "exit_code"});
  Table csv(csv_header);
  Json variants_json = Json::array();
  int code = kExitOk;
  for (std::size_t v = 0; v < nv; ++v) {
    const Variant& var = file.variants[v];
    std::vector<std::string> row{var.name};
    Json fields = Json::object();
    for (std::size_t c = 0; c < nc; ++c) {
      row.push_back(field_text(values[c][v]));
      fields[file.columns[c]] = values[c][v];
    }
    row.insert(row.end(), {field_text(speedup[v]), std::to_string(status[v].exit_code)});
    csv.add_row(row);
    variants_json.push_back(Json{{"name", var.name}, {"run", var.run_path}, {"set", var.sets},
                                 {"out_dir", (fs::path(out_dir) / var.name).string()},
                                 {"exit_code", status[v].exit_code}, {"speedup", speedup[v]},
                                 {"fields", fields}});
    code = worst_exit(code, exit_code_of(status[v]));
  }
  fs::create_directories(out_dir);
  const fs::path csv_path = fs::path(out_dir) / "compare.csv";
  const fs::path json_path = fs::path(out_dir) / "compare.json";
  std::ofstream csv_file(csv_path);
  csv.write_csv(csv_file);
  std::ofstream json_file(json_path);
  json_file << report::dump_json(Json{{"schema", "ascendsim.compare/1"},
                                      {"compare", compare_path},
                                      {"timing_only", timing_only},
                                      {"columns", file.columns},
                                      {"variants", variants_json}})
            << "\n";
  if (!csv_file || !json_file) throw std::runtime_error("cannot write into " + out_dir);

  out << "compare " << compare_path << ": " << nv << " variants" << (timing_only ? ", timing-only" : "")
      << "\n";
  table.print(out);
  for (std::size_t v = 0; v < nv; ++v) {
    if (exit_code_of(status[v]) == kExitOk) continue;
    const std::string log = children[v].log_path;
    std::cerr << "variant " << file.variants[v].name << ": " << status[v].describe()
              << (exit_code_of(status[v]) == kExitCheckFailed ? "" : "; " + log + " ends with:")
              << "\n";
    if (exit_code_of(status[v]) != kExitCheckFailed) std::cerr << log_tail(log, 8);
  }
  out << "wrote " << csv_path.string() << ", " << json_path.string() << "\n";
  if (!column_error.empty()) throw config::ConfigError(column_error);
  return code;
}

}  // namespace ascendsim::cli
