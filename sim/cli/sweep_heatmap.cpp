// The sweep's heat maps (see sweep_plot.hpp). Axes are categorical: cell (x, y) sits at the
// positions of its values in their axes (0..n-1, tics labelled with the values), so any value
// works, numeric or not; y grows upwards in the picture and downwards in the console table.
// A cell has no number (grey, "n/a") when its point exited >= 2 (no report) or its report has
// no numeric value for the figure. All panels share one colour range, so colours compare across
// panels; on a log scale the cells <= 0 take its lowest colour.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <ostream>
#include <utility>

#include "sim/cli/exit_codes.hpp"
#include "sim/cli/sweep_plot.hpp"
#include "sim/cli/table.hpp"

namespace ascendsim::cli {
namespace {

// Which point each cell of each panel shows.
struct HeatGrid {
  std::size_t ix = 0, iy = 0, figure = 0;       // x axis, y axis, figure index
  std::size_t nx = 0, ny = 0, columns = 1;      // cells per row / column; panels per row
  std::vector<std::string> titles;              // [panel]: "variant=pasa, ..." ("" if one)
  std::vector<std::vector<std::size_t>> cells;  // [panel][y * nx + x]: the point index
};

HeatGrid grid_of(const SweepFile& f, const HeatmapSpec& h, std::size_t count) {
  const auto axes = names_of(f.axes);
  HeatGrid g;
  g.ix = std::find(axes.begin(), axes.end(), h.x) - axes.begin();
  g.iy = std::find(axes.begin(), axes.end(), h.y) - axes.begin();
  g.figure = std::find(f.figures.begin(), f.figures.end(), h.value) - f.figures.begin();
  g.nx = f.axes[g.ix].values.size();
  g.ny = f.axes[g.iy].values.size();
  std::vector<std::size_t> others;
  std::size_t panels = 1;
  for (std::size_t a = 0; a < axes.size(); ++a)
    if (a != g.ix && a != g.iy) others.push_back(a), panels *= f.axes[a].values.size();
  g.titles.resize(panels);
  g.cells.assign(panels, std::vector<std::size_t>(g.nx * g.ny));
  for (std::size_t i = 0; i < count; ++i) {
    const std::vector<std::size_t> choice = point_choice(f, i);
    std::size_t p = 0;
    std::string title;
    for (std::size_t a : others) {
      p = p * f.axes[a].values.size() + choice[a];
      title += (title.empty() ? "" : ", ") + axes[a] + "=" + f.axes[a].values[choice[a]];
    }
    g.titles[p] = title;
    g.cells[p][choice[g.iy] * g.nx + choice[g.ix]] = i;
  }
  // Rows of the last other axis when there are several; else a row of up to 4, then a square.
  if (others.size() > 1)
    g.columns = f.axes[others.back()].values.size();
  else
    g.columns = panels <= 4 ? panels : std::size_t(std::ceil(std::sqrt(double(panels))));
  return g;
}

std::optional<double> cell_value(const SweepPoints& points, std::size_t point, std::size_t k) {
  const Json& v = points.figures[point][k];
  if (points.exit_codes[point] > kExitCheckFailed || !v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::string cell_text(const SweepPoints& points, std::size_t point, std::size_t k) {
  const auto v = cell_value(points, point, k);
  return v ? heatmap_cell_text(*v) : "n/a";
}

// One colour range for all panels: over the numbers, on a log scale over those > 0; never empty.
std::pair<double, double> colour_range(const HeatGrid& g, const SweepPoints& points, bool log) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& panel : g.cells)
    for (std::size_t i : panel)
      if (const auto v = cell_value(points, i, g.figure); v && (!log || *v > 0))
        lo = std::min(lo, *v), hi = std::max(hi, *v);
  if (lo > hi) return log ? std::pair(1.0, 10.0) : std::pair(0.0, 1.0);  // nothing to colour
  if (lo == hi && log) return {lo / 2, hi * 2};
  if (lo == hi)
    return {lo - (lo == 0 ? 1 : std::fabs(lo) / 10), hi + (hi == 0 ? 1 : std::fabs(hi) / 10)};
  return {lo, hi};
}

std::string tics_of(const std::vector<std::string>& labels) {
  std::string tics;
  for (std::size_t k = 0; k < labels.size(); ++k)
    tics += (k ? ", " : "") + gp_quote(labels[k]) + " " + std::to_string(k);
  return "(" + tics + ")";
}

}  // namespace

std::string heatmap_stem(const std::string& value) {
  std::string stem = "heatmap_" + value;
  for (std::size_t i = 8; i < stem.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(stem[i]))) stem[i] = '_';
  return stem;
}

std::string heatmap_cell_text(double value) {
  if (value == 0) return "0";
  char buf[32];
  const double mag = std::fabs(value);
  if (mag >= 1e-3 && mag < 999.5) {  // %.3g would print 0.00013 and 1.23e+03 alike
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.2e", value);
  std::string text = buf;
  const std::size_t e = text.find('e');
  std::size_t end = e;
  while (end > 0 && text[end - 1] == '0') --end;  // 1.30e-04 -> 1.3e-04, 5.00e+07 -> 5e+07
  if (end > 0 && text[end - 1] == '.') --end;
  return text.substr(0, end) + text.substr(e);
}

std::string heatmap_script(const SweepFile& f, const HeatmapSpec& h, const SweepPoints& points,
                           const std::string& sweep_name) {
  const HeatGrid g = grid_of(f, h, points.values.size());
  const auto [lo, hi] = colour_range(g, points, h.log);
  const std::string stem = heatmap_stem(h.value);
  const std::string title = "sweep " + sweep_name + ": " + h.value + " over " + h.x + " and " + h.y;
  const std::string log_note = "log scale; values <= 0 get the lowest colour";
  const std::size_t panels = g.cells.size(), rows = (panels + g.columns - 1) / g.columns;
  const std::size_t width = std::max<std::size_t>(480, 220 + 70 * g.nx);
  const std::size_t height = std::max<std::size_t>(380, 130 + 30 * g.ny);

  std::string gp = "# " + title + (h.log ? " (" + log_note + ")" : "") +
                   ". Drawn by ascendsim sweep; rerun here: gnuplot " + stem +
                   ".gp\n# $v<panel>: x, y (positions in their axes), colour, " + h.value +
                   " as in sweep.csv, label; $n<panel>: the cells without a number\n";
  gp += "set terminal svg size " +
        std::to_string(std::max(width * g.columns, 40 + 7 * title.size())) + "," +
        std::to_string(height * rows + 40) +
        " dynamic noenhanced font \"sans,11\" background rgb \"white\"\n";
  gp += "set output " + gp_quote(stem + ".svg") + "\n";
  std::vector<std::string> plots(panels);
  for (std::size_t p = 0; p < panels; ++p) {
    std::string numbers, missing;
    for (std::size_t c = 0; c < g.cells[p].size(); ++c) {
      const std::size_t i = g.cells[p][c];
      const std::string at = std::to_string(c % g.nx) + " " + std::to_string(c / g.nx) + " ";
      const auto v = cell_value(points, i, g.figure);
      if (!v) {
        missing += at + "\"n/a\"\n";
        continue;
      }
      numbers += at + number_text(h.log && *v <= 0 ? lo : *v) + " " +
                 field_text(points.figures[i][g.figure]) + " " + gp_quote(heatmap_cell_text(*v)) +
                 "\n";
    }
    const std::string v = "$v" + std::to_string(p), n = "$n" + std::to_string(p);
    const std::string box = " using 1:2:(0.5):(0.5)";
    if (!numbers.empty()) {
      gp += v + " << EOD\n" + numbers + "EOD\n";
      plots[p] += ", " + v + box + ":3 with boxxyerror fillcolor palette";
    }
    if (!missing.empty()) {
      gp += n + " << EOD\n" + missing + "EOD\n";
      plots[p] += ", " + n + box + " with boxxyerror fillcolor rgb \"#d9d9d9\"";
    }
    if (!numbers.empty()) plots[p] += ", " + v + " using 1:2:5 with labels";
    if (!missing.empty()) plots[p] += ", " + n + " using 1:2:3 with labels";
  }
  gp += "set xlabel " + gp_quote(h.x) + "\nset ylabel " + gp_quote(h.y) + "\n";
  gp += "set xtics " + tics_of(f.axes[g.ix].values) + "\nset ytics " +
        tics_of(f.axes[g.iy].values) + "\n";
  gp += "set xrange [-0.5:" + number_text(g.nx - 0.5) +
        "]\nset yrange [-0.5:" + number_text(g.ny - 0.5) + "]\n";
  gp += "set cbrange [" + number_text(lo) + ":" + number_text(hi) + "]\n";
  if (h.log) gp += "set logscale cb\nset cblabel " + gp_quote(log_note) + "\n";
  gp +=
      "set format cb \"%.3g\"\nset palette defined (0 \"#ffeda0\", 1 \"#feb24c\", 2 \"#f03b20\")\n";
  gp += "set style fill solid 1.0 noborder\nset tics out nomirror\nunset key\nset rmargin 12\n";
  gp += "set multiplot layout " + std::to_string(rows) + "," + std::to_string(g.columns) +
        " title " + gp_quote(title) + "\n";
  for (std::size_t p = 0; p < panels; ++p)
    gp += "set title " + gp_quote(g.titles[p]) + "\nplot" + plots[p].substr(1) + "\n";
  return gp + "unset multiplot\n";
}

std::string draw_heatmap(const SweepFile& f, const HeatmapSpec& h, const SweepPoints& points,
                         const std::string& sweep_name, const std::filesystem::path& dir) {
  return draw_gnuplot(dir, heatmap_stem(h.value), heatmap_script(f, h, points, sweep_name),
                      "heatmap " + h.value);
}

void print_heatmap_tables(const SweepFile& f, const SweepPoints& points, std::ostream& out) {
  for (const HeatmapSpec& h : f.heatmaps) {
    const HeatGrid g = grid_of(f, h, points.values.size());
    for (std::size_t p = 0; p < g.cells.size(); ++p) {
      out << "\nheatmap " << h.value << (g.titles[p].empty() ? "" : " (" + g.titles[p] + ")")
          << ": " << h.y << " \\ " << h.x << "\n";
      std::vector<std::string> header{h.y};
      header.insert(header.end(), f.axes[g.ix].values.begin(), f.axes[g.ix].values.end());
      Table table(header);
      for (std::size_t y = 0; y < g.ny; ++y) {
        std::vector<std::string> row{f.axes[g.iy].values[y]};
        for (std::size_t x = 0; x < g.nx; ++x)
          row.push_back(cell_text(points, g.cells[p][y * g.nx + x], g.figure));
        table.add_row(row);
      }
      table.print(out);
    }
  }
}

}  // namespace ascendsim::cli
