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
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/report_fields.hpp"
#include "sim/cli/subprocess.hpp"
#include "sim/cli/table.hpp"
#include "sim/report/writers.hpp"

namespace ascendsim::cli {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kDefaultColumns{"cycles",
                                               "time_us",
                                               "tflops",
                                               "cube_utilization",
                                               "vector_utilization",
                                               "hbm.read_bytes",
                                               "model.cycles",
                                               "model.cycles_rel_error",
                                               "model.bound",
                                               "check.passed",
                                               "check.max_rel_error"};

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

CompareFile read_compare(const std::string& path) {
  const config::ConfigNode root = config::ConfigNode::load_file(path);
  const config::ConfigNode c = root.child("compare");
  CompareFile file;
  std::string default_run;
  if (const auto run = c.optional_child("run")) default_run = run_file_at(path, *run);
  const config::ConfigNode variants = c.child("variants");
  std::set<std::string> names;
  for (const config::ConfigNode& v : variants.items()) {
    const config::ConfigNode name = v.child("name");
    Variant variant{name.as_string(), default_run, {}, v};
    const bool plain = !variant.name.empty() && variant.name.find_first_not_of(
                                                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                                                    "QRSTUVWXYZ0123456789_.-") == std::string::npos;
    if (!plain || variant.name == "." || variant.name == "..")
      name.fail("a name of letters, digits, '_', '.', '-' (it names the variant's folder)");
    if (!names.insert(variant.name).second) name.fail("a name no other variant has");
    if (const auto run = v.optional_child("run")) variant.run_path = run_file_at(path, *run);
    if (variant.run_path.empty()) v.fail("a `run:` here or under `compare:`");
    read_sets(v, variant.sets);
    file.variants.push_back(std::move(variant));
  }
  if (file.variants.empty()) variants.fail("a list of at least one variant");
  read_field_list(c, "columns", kDefaultColumns, file.columns, file.column_nodes);
  file.timing_only = c.get_bool("timing_only", false);
  root.finish();
  return file;
}

}  // namespace

int cmd_compare(const Args& args, std::ostream& out) {
  const auto opt = parse_fan_out(
      args, "compare",
      "usage: ascendsim compare COMPARE.yaml [--out DIR] [-j N]\n\n"
      "Runs each variant of a compare file as its own process, then prints the variants side\n"
      "by side: one row per report field, one column per variant, and the speedup (cycles of\n"
      "the first variant / cycles of each). Writes DIR/<variant>/ (each run's report and\n"
      "log.txt), DIR/compare.csv and DIR/compare.json. Exit code: the worst of the variants'\n"
      "(3 simulation error > 2 bad input > 1 check failed > 0).",
      "variant", "ascendsim compare configs/runs/gemm_compare.yaml --out out/cmp -j 3", out);
  if (!opt) return kExitOk;
  const std::string& compare_path = opt->file;
  const std::string& out_dir = opt->out_dir;
  const std::vector<std::string>& extra_sets = opt->sets;
  const unsigned jobs = opt->jobs;
  bool timing_only = opt->timing_only;

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
    children.push_back(
        run_job(v.run_path, v.sets, (fs::path(out_dir) / v.name).string(), timing_only));
  }
  const auto status = run_children(children, jobs, "variants");

  // The reports; a column that no report which exists knows is a bad compare file.
  const std::size_t nv = file.variants.size(), nc = file.columns.size();
  std::vector<std::optional<Json>> reports(nv);
  for (std::size_t v = 0; v < nv; ++v)
    if (exit_code_of(status[v]) <= kExitCheckFailed)
      reports[v] = load_report((fs::path(out_dir) / file.variants[v].name).string());
  const FieldGrid grid = collect_fields(reports, file.columns);
  std::vector<Json> speedup(nv);
  for (std::size_t v = 0; v < nv; ++v) {
    if (!reports[0] || !reports[v]) continue;
    const FieldLookup base = find_field(*reports[0], "cycles"),
                      mine = find_field(*reports[v], "cycles");
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
      cells.push_back(reports[v] ? field_display(grid.values[v][c]) : "-");
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
      row.push_back(field_text(grid.values[v][c]));
      fields[file.columns[c]] = grid.values[v][c];
    }
    row.insert(row.end(), {field_text(speedup[v]), std::to_string(status[v].exit_code)});
    csv.add_row(row);
    variants_json.push_back(Json{{"name", var.name},
                                 {"run", var.run_path},
                                 {"set", var.sets},
                                 {"out_dir", (fs::path(out_dir) / var.name).string()},
                                 {"exit_code", status[v].exit_code},
                                 {"speedup", speedup[v]},
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

  out << "compare " << compare_path << ": " << nv << " variants"
      << (timing_only ? ", timing-only" : "") << "\n";
  table.print(out);
  for (std::size_t v = 0; v < nv; ++v)
    if (status[v].exit_code != kExitOk)
      std::cerr << failure_text("variant " + file.variants[v].name, status[v],
                                children[v].log_path);
  out << "wrote " << csv_path.string() << ", " << json_path.string() << "\n";
  for (std::size_t c = 0; c < file.column_nodes.size(); ++c)  // none for the default columns
    if (!grid.unknown[c].empty())
      throw config::ConfigError(file.column_nodes[c].where() + ": " + grid.unknown[c]);
  return code;
}

}  // namespace ascendsim::cli
