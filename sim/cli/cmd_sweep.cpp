// `ascendsim sweep SWEEP.yaml`: crosses the axes of a sweep file and runs every point as a child
// process (one simulation per process), -j at a time. Schema:
//
//   sweep:
//     run: ../runs/gemm_small.yaml      # relative to this file
//     set: [kernel.tile.m=128]          # fixed overrides, optional
//     axes:                             # crossed in file order; the last varies fastest
//       kernel.m: [256, 512, 1024]      # a key path and its values
//       kernel.dtype: [bf16, int8]
//       size: {set: [kernel.n, kernel.k], values: [256, 512]}   # a named axis: each value
//                                       # goes to every path of `set` (N = K sweeps) ...
//       dtype: {set: [kernel.dtype, kernel.out_dtype], values: [[bf16, fp32], [int8, int32]]}
//                                       # ... or a list of one value per path ("int8/int32")
//     figures: [cycles, cube_utilization, tflops]   # report fields; optional (kDefaultFigures)
//     plot: {x: kernel.m, y: cube_utilization, series: kernel.dtype, log_x: true, log_y: false}
//     heatmaps:                         # optional: one picture each, value per (x, y) cell
//       - {x: kernel.m, y: kernel.dtype, value: cycles, log: false}   # log: colour scale
//     timing_only: true                 # optional
//
// Plot defaults: x = first axis, y = first figure, series = the second axis if any. One line
// is drawn per combination of the axes other than x (series first in its label). A heat map
// needs two different axes and one of the figures; it has one panel per combination of the
// other axes (sweep_plot.hpp).
// Writes DIR/points/<index>_<axis=value>.../ (child out dirs with log.txt), DIR/sweep.csv (axis
// values, figures, exit code; rows in point order whatever the completion order), DIR/sweep.gp
// and DIR/sweep.svg, DIR/heatmap_<value>.gp and .svg per heat map (the SVGs when gnuplot is
// installed). Exit: the worst child code (3 > 2 > 1 > 0).
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/cli/exit_codes.hpp"
#include "sim/cli/report_fields.hpp"
#include "sim/cli/subprocess.hpp"
#include "sim/cli/sweep_file.hpp"
#include "sim/cli/sweep_plot.hpp"
#include "sim/cli/table.hpp"
#include "sim/config/units.hpp"

namespace ascendsim::cli {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kDefaultFigures{"cycles", "time_us", "tflops", "cube_utilization"};

void read_plot(const config::ConfigNode& p, SweepFile& f) {
  const auto axes = names_of(f.axes);
  if (const auto x = p.optional_child("x")) f.plot.x = x->as_enum(axes);
  if (const auto y = p.optional_child("y")) f.plot.y = y->as_enum(f.figures);
  if (const auto s = p.optional_child("series")) {
    f.plot.series = s->as_enum(axes);
    if (f.plot.series == f.plot.x) s->fail("an axis other than x (" + f.plot.x + ")");
  }
  f.plot.log_x = p.get_bool("log_x", false);
  f.plot.log_y = p.get_bool("log_y", false);
  if (f.plot.log_x)
    for (const auto& a : f.axes)
      for (const auto& v : a.values)
        if (a.key == f.plot.x && !(config::units::parse_double(v).value_or(0) > 0))
          p.child("log_x").fail("false: axis " + a.key + " has the value " + v +
                                ", and a log scale needs positive numbers");
}

void read_heatmaps(const config::ConfigNode& list, SweepFile& f) {
  const auto axes = names_of(f.axes);
  std::vector<config::ConfigNode> value_nodes;
  for (const auto& item : list.items()) {
    if (!item.is_map()) item.fail("a map {x: AXIS, y: AXIS, value: FIGURE, log: BOOL}");
    HeatmapSpec h;
    h.x = item.child("x").as_enum(axes);
    const config::ConfigNode y = item.child("y"), value = item.child("value");
    h.y = y.as_enum(axes);
    if (h.y == h.x) y.fail("an axis other than x (" + h.x + ")");
    h.value = value.as_enum(f.figures);
    h.log = item.get_bool("log", false);
    for (std::size_t k = 0; k < f.heatmaps.size(); ++k)  // the file is named after the value
      if (heatmap_stem(f.heatmaps[k].value) == heatmap_stem(h.value))
        value.fail("a figure without a heat map yet (" + value_nodes[k].path() + " draws " +
                   heatmap_stem(h.value) + ".svg)");
    f.heatmaps.push_back(h);
    value_nodes.push_back(value);
  }
}

SweepFile read_sweep(const std::string& path) {
  const config::ConfigNode root = config::ConfigNode::load_file(path);
  const config::ConfigNode s = root.child("sweep");
  SweepFile f;
  f.run_node = s.child("run");
  f.run_path = run_file_at(path, *f.run_node);
  if (const auto set = s.optional_child("set"))
    for (const auto& item : set->items()) {
      f.sets.push_back(item.as_string());
      f.set_nodes.push_back(item);
    }
  const config::ConfigNode axes = s.child("axes");
  for (const std::string& key : axes.keys()) {
    const config::ConfigNode node = axes.child(key);
    Axis axis{key, {key}, {}, {}, node};
    config::ConfigNode list = node;
    if (node.is_map()) {
      axis.paths.clear();
      const config::ConfigNode paths = node.child("set");
      for (const auto& item : paths.items()) axis.paths.push_back(item.as_string());
      if (axis.paths.empty()) paths.fail("a list of at least one key path");
      list = node.child("values");
    }
    for (const auto& item : list.items()) {
      std::vector<std::string> parts;
      if (item.is_sequence() && node.is_map())
        for (const auto& part : item.items()) parts.push_back(part.as_string());
      else if (item.is_scalar())
        parts.assign(axis.paths.size(), item.as_string());
      if (parts.size() != axis.paths.size())
        item.fail(node.is_map()
                      ? "a value, or a list of " + std::to_string(axis.paths.size()) +
                            " values (one per path of `set`)"
                      : std::string("a single value (each is passed as --set path=value)"));
      std::string label;
      for (std::size_t p = 0; p < parts.size(); ++p)
        if (p == 0 || item.is_sequence()) label += (p ? "/" : "") + parts[p];
      axis.values.push_back(label);
      axis.assigned.push_back(parts);
    }
    if (axis.values.empty()) list.fail("a list of at least one value");
    f.axes.push_back(std::move(axis));
  }
  if (f.axes.empty()) axes.fail("a map of at least one axis (key.path: [values...])");
  if (const auto figures = s.optional_child("figures")) {
    for (const auto& item : figures->items()) {
      f.figures.push_back(item.as_string());
      f.figure_nodes.push_back(item);
    }
    if (f.figures.empty()) figures->fail("a list of at least one report field");
  } else {
    f.figures = kDefaultFigures;
  }
  f.plot.x = f.axes[0].key;
  f.plot.y = f.figures[0];
  if (f.axes.size() > 1) f.plot.series = f.axes[1].key;
  if (const auto plot = s.optional_child("plot")) read_plot(*plot, f);
  if (f.plot.series == f.plot.x) f.plot.series.clear();
  if (const auto heatmaps = s.optional_child("heatmaps")) read_heatmaps(*heatmaps, f);
  f.timing_only = s.get_bool("timing_only", false);
  root.finish();
  return f;
}

std::string point_dir_name(const SweepFile& f, std::size_t index, std::size_t count,
                           const std::vector<std::string>& values) {
  std::string name = std::to_string(index);
  name.insert(0, std::to_string(count - 1).size() - name.size(), '0');
  for (std::size_t a = 0; a < values.size(); ++a) name += "_" + f.axes[a].key + "=" + values[a];
  for (std::size_t i = name.find('_'); i < name.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(name[i])) && !std::strchr("._=+-", name[i]))
      name[i] = '-';
  return name;
}

// An error from the run that names one of our overrides: say which line of the sweep set it.
[[noreturn]] void rethrow_in_sweep(const config::ConfigError& e, const SweepFile& f) {
  const std::string what = e.what();
  auto names = [&](const std::string& key) {
    const auto at = what.find("--set " + key);
    const std::size_t end = at + 6 + key.size();
    return at != std::string::npos && (end == what.size() || what[end] == '=' || what[end] == ':');
  };
  for (const auto& a : f.axes)
    for (const auto& path : a.paths)
      if (names(path)) throw config::ConfigError(a.node.where() + ": " + what);
  for (std::size_t i = 0; i < f.sets.size(); ++i)
    if (names(f.sets[i].substr(0, f.sets[i].find('='))))
      throw config::ConfigError(f.set_nodes[i].where() + ": " + what);
  throw config::ConfigError(f.run_node->where() + ": " + what);
}

}  // namespace

int cmd_sweep(const Args& args, std::ostream& out) {
  const auto opt = parse_fan_out(
      args, "sweep",
      "usage: ascendsim sweep SWEEP.yaml [-j N] [--out DIR]\n\n"
      "Crosses the axes of a sweep file (cartesian product, file order) and runs every point\n"
      "as its own process, N at a time. Prints one row per point (axis values, figures, exit\n"
      "code) and writes DIR/sweep.csv with the same rows in point order, DIR/points/<i>_.../\n"
      "(each point's report and log.txt), and the plot DIR/sweep.svg drawn by gnuplot from\n"
      "DIR/sweep.gp (without gnuplot the .gp is kept; rerun it with `cd DIR && gnuplot\n"
      "sweep.gp`). Each entry of the file's `heatmaps` also draws DIR/heatmap_<value>.svg\n"
      "(from DIR/heatmap_<value>.gp: the figure per cell of two axes, a panel per combination\n"
      "of the others) and prints the same grids as tables. Exit code: the worst of the\n"
      "points' (3 > 2 > 1 > 0).",
      "point", "ascendsim sweep configs/sweeps/gemm_size.yaml -j 8 --out out/gemm_size", out);
  if (!opt) return kExitOk;
  const std::string& sweep_path = opt->file;
  const std::string& out_dir = opt->out_dir;
  bool timing_only = opt->timing_only;

  const SweepFile f = read_sweep(sweep_path);
  timing_only = timing_only || f.timing_only;
  std::size_t count = 1;
  for (const auto& a : f.axes) count *= a.values.size();

  std::vector<std::vector<std::string>> values(count);
  std::vector<ChildJob> children;
  for (std::size_t i = 0; i < count; ++i) {
    const std::vector<std::size_t> choice = point_choice(f, i);
    std::vector<std::string> sets = f.sets;
    for (std::size_t a = 0; a < f.axes.size(); ++a) {
      values[i].push_back(f.axes[a].values[choice[a]]);
      for (std::size_t p = 0; p < f.axes[a].paths.size(); ++p)
        sets.push_back(f.axes[a].paths[p] + "=" + f.axes[a].assigned[choice[a]][p]);
    }
    sets.insert(sets.end(), opt->sets.begin(), opt->sets.end());
    // Every point has the same keys: checking the first one finds misspelt paths at once.
    if (i == 0) try {
        precheck_run(f.run_path, sets);
      } catch (const config::ConfigError& e) {
        rethrow_in_sweep(e, f);
      }
    const fs::path dir = fs::path(out_dir) / "points" / point_dir_name(f, i, count, values[i]);
    children.push_back(run_job(f.run_path, sets, dir.string(), timing_only));
  }
  const auto status = run_children(children, opt->jobs, "points");

  // Figures per point; a figure no report knows is a bad sweep file (reported after writing).
  std::vector<std::optional<Json>> reports(count);
  for (std::size_t i = 0; i < count; ++i)
    if (exit_code_of(status[i]) <= kExitCheckFailed)
      reports[i] = load_report(fs::path(children[i].log_path).parent_path().string());
  const FieldGrid figures = collect_fields(reports, f.figures);

  std::vector<std::string> header = names_of(f.axes);
  header.insert(header.end(), f.figures.begin(), f.figures.end());
  std::vector<std::string> console_header{"#"};
  console_header.insert(console_header.end(), header.begin(), header.end());
  console_header.push_back("exit");
  header.push_back("exit_code");
  Table csv(header), table(console_header);
  int code = kExitOk;
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<std::string> row = values[i], shown = values[i];
    shown.insert(shown.begin(), std::to_string(i));
    for (const Json& v : figures.values[i]) {
      row.push_back(field_text(v));
      shown.push_back(exit_code_of(status[i]) > kExitCheckFailed ? "-" : field_display(v));
    }
    row.push_back(std::to_string(status[i].exit_code));
    shown.push_back(std::to_string(status[i].exit_code));
    csv.add_row(row);
    table.add_row(shown);
    code = worst_exit(code, exit_code_of(status[i]));
  }
  const fs::path csv_path = fs::path(out_dir) / "sweep.csv";
  std::ofstream csv_file(csv_path);
  csv.write_csv(csv_file);
  if (!csv_file) throw std::runtime_error("cannot write " + csv_path.string());

  SweepPoints points{values, figures.values, {}};
  for (const ChildStatus& st : status) points.exit_codes.push_back(exit_code_of(st));
  out << "sweep " << sweep_path << ": " << count << " points"
      << (timing_only ? ", timing-only" : "") << "\n";
  table.print(out);
  print_heatmap_tables(f, points, out);
  for (std::size_t i = 0; i < count; ++i)
    if (status[i].exit_code != kExitOk)
      std::cerr << failure_text("point " + std::to_string(i), status[i], children[i].log_path);

  const std::string name = fs::path(sweep_path).stem().string();
  std::string wrote = csv_path.string();
  const std::string title = "sweep " + name + ": " + f.plot.y + " over " + f.plot.x;
  if (const std::string svg = draw_plot(f, points, title, out_dir); !svg.empty())
    wrote += ", " + svg;
  for (const HeatmapSpec& h : f.heatmaps)
    if (const std::string svg = draw_heatmap(f, h, points, name, out_dir); !svg.empty())
      wrote += ", " + svg;
  out << "wrote " << wrote << "\n";

  for (std::size_t k = 0; k < f.figure_nodes.size(); ++k)  // none for the default figures
    if (!figures.unknown[k].empty())
      throw config::ConfigError(f.figure_nodes[k].where() + ": " + figures.unknown[k]);
  return code;
}

}  // namespace ascendsim::cli
