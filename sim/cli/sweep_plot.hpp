#pragma once
// The pictures of `ascendsim sweep`: gnuplot scripts with their data inline, written to the
// sweep's folder and drawn to SVG when gnuplot is installed. Drawing never fails the sweep: no
// gnuplot, nothing numeric or a gnuplot error leave the .gp (rerunnable by hand) and a note on
// stderr.
//
// - sweep.gp / sweep.svg: one figure over one axis, a line per combination of the other axes,
//   and a dashed line per fit of the file (sweep_fit.hpp) over the x range of its points.
// - heatmap_<value>.gp / .svg (sweep_heatmap.cpp): one figure per (x, y) cell of two axes, one
//   panel per combination of the other axes, each cell labelled with its value; the same grids
//   print as pivot tables on the console.
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/cli/report_fields.hpp"
#include "sim/cli/sweep_file.hpp"

namespace ascendsim::cli {

// What the sweep measured, indexed by point (point order: see point_choice).
struct SweepPoints {
  std::vector<std::vector<std::string>> values;  // [point][axis]: the axis value's label
  std::vector<std::vector<Json>> figures;        // [point][figure]: null where there is none
  std::vector<int> exit_codes;                   // [point]: exit_code_of the point's child
};

// `text` as a gnuplot double-quoted string.
std::string gp_quote(const std::string& text);
// `value` with up to `digits` significant digits, as %g prints it: "16384", "1.5", "1e-12".
std::string number_text(double value, int digits = 9);

// Writes DIR/<stem>.gp and runs gnuplot on it in DIR; returns the path of DIR/<stem>.svg, or ""
// with the reason on stderr (prefixed `what: `). Never an error.
std::string draw_gnuplot(const std::filesystem::path& dir, const std::string& stem,
                         const std::string& script, const std::string& what);

// The line plot's script (f.plot: y over x); `plotted` counts the points with a numeric y.
std::string plot_script(const SweepFile& f, const SweepPoints& points, const std::string& title,
                        std::size_t& plotted);
// Draws DIR/sweep.svg (see draw_gnuplot); "" when no point has a numeric y.
std::string draw_plot(const SweepFile& f, const SweepPoints& points, const std::string& title,
                      const std::filesystem::path& dir);

// "heatmap_" + the value with every character but [A-Za-z0-9] replaced by '_'.
std::string heatmap_stem(const std::string& value);
// A cell's text: 3 significant digits ("0", "0.5", "12.3", "1.3e-04", "5.5e+07").
std::string heatmap_cell_text(double value);
// The heat map's script; `sweep_name` goes into its title.
std::string heatmap_script(const SweepFile& f, const HeatmapSpec& h, const SweepPoints& points,
                           const std::string& sweep_name);
// Draws DIR/heatmap_<value>.svg (see draw_gnuplot).
std::string draw_heatmap(const SweepFile& f, const HeatmapSpec& h, const SweepPoints& points,
                         const std::string& sweep_name, const std::filesystem::path& dir);
// Every heat map as console tables, one per panel: rows y, columns x, cells as in the picture.
void print_heatmap_tables(const SweepFile& f, const SweepPoints& points, std::ostream& out);

}  // namespace ascendsim::cli
