#pragma once
// A sweep file as `ascendsim sweep` reads it (schema: the top of sim/cli/cmd_sweep.cpp), shared
// by the command and its plots (sweep_plot.hpp).
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
  bool timing_only = false;
  std::optional<config::ConfigNode> run_node;
};

inline std::vector<std::string> names_of(const std::vector<Axis>& axes) {
  std::vector<std::string> out;
  for (const auto& a : axes) out.push_back(a.key);
  return out;
}

// Which value of each axis point `index` takes: the last axis varies fastest.
inline std::vector<std::size_t> point_choice(const SweepFile& f, std::size_t index) {
  std::vector<std::size_t> choice(f.axes.size());
  for (std::size_t a = f.axes.size(); a-- > 0;) {
    choice[a] = index % f.axes[a].values.size();
    index /= f.axes[a].values.size();
  }
  return choice;
}

}  // namespace ascendsim::cli
