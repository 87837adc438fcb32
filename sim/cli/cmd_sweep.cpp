// `ascendsim sweep SWEEP.yaml`: crosses the axes of a sweep file and runs every point as a child
// process (one simulation per process), -j at a time. Schema (read_sweep, sweep_file.cpp):
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
//     fits:                             # optional: y = c x^slope per plot line, by least
//       - {line: kernel.dtype=bf16, from: 256, to: 1024}   # squares on (ln x, ln y)
//     ratios:                           # optional: per x value, figure(numerator line) /
//                                       # figure(denominator line)
//       - {name: int8_speedup, figure: cycles, numerator: kernel.dtype=bf16,
//          denominator: kernel.dtype=int8}
//     exclude:                          # optional: points not run (their rows say
//       - {kernel.m: 1024, kernel.dtype: [int8]}   # "excluded"): every listed axis matches
//     timing_only: true                 # optional
//
// Plot defaults: x = first axis, y = first figure, series = the second axis if any. One line
// is drawn per combination of the axes other than x, labelled "axis=value" of those axes, the
// series first, joined by ", " (quote such a label in YAML flow maps); plot.y when x is the only
// axis. A heat map needs two different axes and one of the figures; it has one panel per
// combination of the other axes (sweep_plot.hpp). Fits and ratios name plot lines by their
// labels (sweep_fit.hpp). A fit needs a numeric x axis; it takes the points of its line with x
// in [from, to] (inclusive, both > 0, from <= to; default: all) and a numeric plot.y > 0, and
// with fewer than 2 reports "not enough points" (not an error); it is drawn dashed over its
// points. A ratio's figure is one of the figures (default plot.y), its lines differ, its name
// is an identifier unique among ratios; it has a row per x value where both lines have a number
// and the denominator is not 0.
// Writes DIR/points/<index>_<axis=value>.../ (child out dirs with log.txt), DIR/sweep.csv (axis
// values, figures, exit code; rows in point order whatever the completion order), DIR/sweep.gp
// and DIR/sweep.svg, DIR/heatmap_<value>.gp and .svg per heat map (the SVGs when gnuplot is
// installed), DIR/sweep_fits.csv (line,from,to,points,slope,intercept,r2) with fits and
// DIR/sweep_ratios.csv (name,x,numerator,denominator,ratio) with ratios. Exit: the worst child
// code (3 > 2 > 1 > 0).
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
#include "sim/cli/sweep_fit.hpp"
#include "sim/cli/sweep_plot.hpp"
#include "sim/cli/table.hpp"

namespace ascendsim::cli {
namespace {

namespace fs = std::filesystem;

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
      "of the others) and prints the same grids as tables. Each entry of `fits`\n"
      "({line: LINE, from: X, to: X}) fits y = c x^slope to a plot line by least squares on\n"
      "(ln x, ln y) over x in [from, to], prints `fit LINE: slope S over X in [from, to] (N\n"
      "points, R^2 R)`, draws it dashed and writes DIR/sweep_fits.csv; each entry of `ratios`\n"
      "({name: NAME, figure: FIGURE, numerator: LINE, denominator: LINE}) prints the figure of\n"
      "one line over another's per x value and writes DIR/sweep_ratios.csv. A LINE is a legend\n"
      "label: \"axis=value\" of the axes other than x, the series first, joined by \", \".\n"
      "Entries of `exclude` ({AXIS: VALUE or [VALUES], ...}) leave out the points whose values\n"
      "match every axis listed: not run, their rows say `excluded`.\n"
      "Exit code: the worst of the points' (3 > 2 > 1 > 0).",
      "point", "ascendsim sweep configs/sweeps/gemm_size.yaml -j 8 --out out/gemm_size", out);
  if (!opt) return kExitOk;
  const std::string& sweep_path = opt->file;
  const std::string& out_dir = opt->out_dir;
  bool timing_only = opt->timing_only;

  const SweepFile f = read_sweep(sweep_path);
  timing_only = timing_only || f.timing_only;
  const std::size_t count = point_count(f);

  std::vector<std::vector<std::string>> values(count);
  std::vector<ChildJob> children;
  std::vector<std::size_t> child_of(count, SIZE_MAX);  // SIZE_MAX: left out by `exclude`
  for (std::size_t i = 0; i < count; ++i) {
    const std::vector<std::size_t> choice = point_choice(f, i);
    values[i] = point_values(f, i);
    if (point_excluded(f, values[i])) continue;
    std::vector<std::string> sets = f.sets;
    for (std::size_t a = 0; a < f.axes.size(); ++a)
      for (std::size_t p = 0; p < f.axes[a].paths.size(); ++p)
        sets.push_back(f.axes[a].paths[p] + "=" + f.axes[a].assigned[choice[a]][p]);
    sets.insert(sets.end(), opt->sets.begin(), opt->sets.end());
    // Every point has the same keys: checking the first one finds misspelt paths at once.
    if (children.empty()) try {
        precheck_run(f.run_path, sets);
      } catch (const config::ConfigError& e) {
        rethrow_in_sweep(e, f);
      }
    const fs::path dir = fs::path(out_dir) / "points" / point_dir_name(f, i, count, values[i]);
    child_of[i] = children.size();
    children.push_back(run_job(f.run_path, sets, dir.string(), timing_only));
  }
  const auto run = run_children(children, opt->jobs, "points");
  std::vector<ChildStatus> status(count);  // an excluded point: exit 0, no report
  for (std::size_t i = 0; i < count; ++i)
    if (child_of[i] != SIZE_MAX) status[i] = run[child_of[i]];
  auto log_of = [&](std::size_t i) { return children[child_of[i]].log_path; };

  // Figures per point; a figure no report knows is a bad sweep file (reported after writing).
  std::vector<std::optional<Json>> reports(count);
  for (std::size_t i = 0; i < count; ++i)
    if (child_of[i] != SIZE_MAX && exit_code_of(status[i]) <= kExitCheckFailed)
      reports[i] = load_report(fs::path(log_of(i)).parent_path().string());
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
    const bool excluded = child_of[i] == SIZE_MAX;
    for (const Json& v : figures.values[i]) {
      row.push_back(field_text(v));
      shown.push_back(excluded || exit_code_of(status[i]) > kExitCheckFailed ? "-"
                                                                             : field_display(v));
    }
    const std::string exit = excluded ? "excluded" : std::to_string(status[i].exit_code);
    row.push_back(exit);
    shown.push_back(exit);
    csv.add_row(row);
    table.add_row(shown);
    code = worst_exit(code, exit_code_of(status[i]));
  }
  fs::create_directories(out_dir);  // the points' runs make it, unless every one was excluded
  const fs::path csv_path = fs::path(out_dir) / "sweep.csv";
  std::ofstream csv_file(csv_path);
  csv.write_csv(csv_file);
  if (!csv_file) throw std::runtime_error("cannot write " + csv_path.string());

  SweepPoints points{values, figures.values, {}};
  for (const ChildStatus& st : status) points.exit_codes.push_back(exit_code_of(st));
  const FitResults fitted = fit_results(f, points);
  const std::vector<std::string> fit_files = write_fit_results(f, fitted, out_dir);
  out << "sweep " << sweep_path << ": " << count << " points"
      << (timing_only ? ", timing-only" : "") << "\n";
  table.print(out);
  print_fit_results(f, fitted, out);
  print_heatmap_tables(f, points, out);
  for (std::size_t i = 0; i < count; ++i)
    if (status[i].exit_code != kExitOk)
      std::cerr << failure_text("point " + std::to_string(i), status[i], log_of(i));

  const std::string name = fs::path(sweep_path).stem().string();
  std::string wrote = csv_path.string();
  for (const std::string& file : fit_files) wrote += ", " + file;
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
