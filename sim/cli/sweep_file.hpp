#pragma once
// A sweep file as `ascendsim sweep` reads it (schema: the top of sim/cli/cmd_sweep.cpp), shared
// by the command, its plots (sweep_plot.hpp) and its fits and ratios (sweep_fit.hpp).
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config_node.hpp"

namespace ascendsim::cli {

struct PlotSpec {
  std::string x, y, series;  // axis, figure, axis ("" when there is a single axis)
  bool log_x = false, log_y = false;
};

// One entry of `heatmaps`: `value` per (x, y) cell, one panel per combination of the other axes.
struct HeatmapSpec {
  std::string x, y;   // two different axes
  std::string value;  // one of the figures
  bool log = false;   // colour on a log scale; values <= 0 get the lowest colour
};

// One entry of `fits`: y = c x^slope by least squares on (ln x, ln y), over one plot line.
struct FitSpec {
  std::string line;                // the plot line's label (plot_line_label)
  std::optional<double> from, to;  // the inclusive x range, both > 0; absent: unbounded
};

// One entry of `exclude`: a point is left out when, for every axis listed, its value is one of
// the listed values.
struct ExcludeSpec {
  std::vector<std::pair<std::size_t, std::vector<std::string>>> axes;  // axis index, values
};

// One entry of `ratios`: per x value, figure(numerator line) / figure(denominator line).
struct RatioSpec {
  std::string name;                    // an identifier, unique among the ratios
  std::string figure;                  // one of the figures (default: plot.y)
  std::string numerator, denominator;  // two different plot lines' labels
};

struct Axis {
  std::string key;                  // the axis name: its key path, or the name of a linked axis
  std::vector<std::string> paths;   // the key paths each value is assigned to
  std::vector<std::string> values;  // labels: "256", "int8/int32"
  std::vector<std::vector<std::string>> assigned;  // per value: what each path is set to
  config::ConfigNode node;
};

struct SweepFile {
  std::string run_path;
  std::vector<std::string> sets;
  std::vector<config::ConfigNode> set_nodes;
  std::vector<Axis> axes;
  std::vector<std::string> figures;
  std::vector<config::ConfigNode> figure_nodes;  // empty when the default list is used
  PlotSpec plot;
  std::vector<HeatmapSpec> heatmaps;
  std::vector<FitSpec> fits;
  std::vector<RatioSpec> ratios;
  std::vector<ExcludeSpec> excludes;
  bool timing_only = false;
  std::optional<config::ConfigNode> run_node;
};

inline std::vector<std::string> names_of(const std::vector<Axis>& axes) {
  std::vector<std::string> out;
  for (const auto& a : axes) out.push_back(a.key);
  return out;
}

// Reads and checks SWEEP.yaml (ConfigError at the offending key); the run file must exist.
SweepFile read_sweep(const std::string& path);

// How many points the sweep has: the product of the axes' sizes.
std::size_t point_count(const SweepFile& f);

// Which value of each axis point `index` takes: the last axis varies fastest.
inline std::vector<std::size_t> point_choice(const SweepFile& f, std::size_t index) {
  std::vector<std::size_t> choice(f.axes.size());
  for (std::size_t a = f.axes.size(); a-- > 0;) {
    choice[a] = index % f.axes[a].values.size();
    index /= f.axes[a].values.size();
  }
  return choice;
}

// The labels of the axis values of point `index`, one per axis.
std::vector<std::string> point_values(const SweepFile& f, std::size_t index);
// Whether `exclude` leaves the point with these axis values out (it is not run).
bool point_excluded(const SweepFile& f, const std::vector<std::string>& values);

// The plot line a point with these axis values lies on, as the legend names it: "axis=value" of
// the axes other than plot.x, the series axis first, joined by ", "; plot.y when x is the only
// axis. Fits and ratios name their lines by it.
std::string plot_line_label(const SweepFile& f, const std::vector<std::string>& values);
// Every line's label, in the order of the lines' first points.
std::vector<std::string> plot_line_labels(const SweepFile& f);

}  // namespace ascendsim::cli
