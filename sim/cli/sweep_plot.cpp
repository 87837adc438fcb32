// The sweep's line plot and the gnuplot runner shared with the heat maps (see sweep_plot.hpp).
#include "sim/cli/sweep_plot.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "sim/cli/subprocess.hpp"
#include "sim/cli/sweep_fit.hpp"
#include "sim/config/units.hpp"

namespace ascendsim::cli {

namespace fs = std::filesystem;

std::string gp_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

std::string number_text(double value, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, value);
  return buf;
}

std::string draw_gnuplot(const fs::path& dir, const std::string& stem, const std::string& script,
                         const std::string& what) {
  const fs::path gp = dir / (stem + ".gp"), svg = dir / (stem + ".svg");
  std::ofstream(gp) << script;
  fs::remove(svg);
  if (!find_program("gnuplot")) {
    std::cerr << what << ": gnuplot not found; kept " << gp.string() << " (with gnuplot "
              << "installed: cd " << dir.string() << " && gnuplot " << stem << ".gp)\n";
    return "";
  }
  // One log for every script of the sweep: each run truncates it, a failure prints its tail.
  const ChildJob job{{"gnuplot", stem + ".gp"}, (dir / "gnuplot.log").string(), dir.string()};
  const ChildStatus status = run_child(job);
  if (status.exit_code != 0 || !fs::exists(svg)) {
    std::cerr << what << ": gnuplot failed on " << gp.string() << " (" << status.describe() << "); "
              << job.log_path << " ends:\n"
              << log_tail(job.log_path, 8);
    return "";
  }
  return svg.string();
}

// A gnuplot script with the data inline: y over x, one line per combination of the axes other
// than x (labelled by plot_line_label), then the fits' dashed lines.
std::string plot_script(const SweepFile& f, const SweepPoints& points, const std::string& title,
                        std::size_t& plotted) {
  const auto axes = names_of(f.axes);
  const std::size_t ix = std::find(axes.begin(), axes.end(), f.plot.x) - axes.begin();
  const std::size_t iy =
      std::find(f.figures.begin(), f.figures.end(), f.plot.y) - f.figures.begin();
  const std::vector<std::string>& xs = f.axes[ix].values;
  const bool numeric_x = std::all_of(xs.begin(), xs.end(), [](const std::string& v) {
    return config::units::parse_double(v).has_value();
  });
  std::vector<std::string> labels, blocks;
  plotted = 0;
  for (std::size_t i = 0; i < points.values.size(); ++i) {
    const Json& y = points.figures[i][iy];
    if (!y.is_number()) continue;
    const std::vector<std::string>& values = points.values[i];
    const std::string label = plot_line_label(f, values);
    const auto at = std::find(labels.begin(), labels.end(), label) - labels.begin();
    if (std::size_t(at) == labels.size()) labels.push_back(label), blocks.emplace_back();
    const auto pos = std::find(xs.begin(), xs.end(), values[ix]) - xs.begin();
    blocks[at] += (numeric_x ? values[ix] : std::to_string(pos)) + " " + field_text(y) + "\n";
    ++plotted;
  }
  std::string gp = "# " + title + ". Drawn by ascendsim sweep; rerun here: gnuplot sweep.gp\n";
  gp +=
      "set terminal svg size 800,500 dynamic noenhanced font \"sans,12\" background rgb "
      "\"white\"\n";
  gp += "set output \"sweep.svg\"\nset title " + gp_quote(title) + "\n";
  gp += "set xlabel " + gp_quote(f.plot.x) + "\nset ylabel " + gp_quote(f.plot.y) + "\n";
  gp +=
      "set grid\nset key outside right top\nset autoscale xfix\nset offsets graph 0.05, graph "
      "0.05, 0, 0\n";
  if (f.plot.log_x) gp += "set logscale x\n";
  if (f.plot.log_y) gp += "set logscale y\n";
  std::string tics;
  for (std::size_t k = 0; k < xs.size(); ++k)
    tics += (k ? ", " : "") + gp_quote(xs[k]) + " " + (numeric_x ? xs[k] : std::to_string(k));
  if (!numeric_x || xs.size() <= 12) gp += "set xtics (" + tics + ")\n";
  if (!numeric_x) gp += "set xrange [-0.5:" + std::to_string(xs.size()) + "-0.5]\n";
  std::string plot = "plot";
  for (std::size_t s = 0; s < labels.size(); ++s) {
    gp += "$s" + std::to_string(s) + " << EOD\n" + blocks[s] + "EOD\n";
    plot += std::string(s ? "," : "") + " $s" + std::to_string(s) +
            " using 1:2 with linespoints pointtype 7 title " + gp_quote(labels[s]);
  }
  for (std::size_t k = 0; k < f.fits.size(); ++k) {  // colour: linetype s + 1, as its line's
    const LineFit fit = fit_line(f, f.fits[k], points);
    const std::size_t s = std::find(labels.begin(), labels.end(), fit.spec.line) - labels.begin();
    if (!fit.fit.fitted || s == labels.size()) continue;
    gp += "$f" + std::to_string(k) + " << EOD\n";
    for (const auto& [x, y] : fit_curve(fit.fit))
      gp += number_text(x) + " " + number_text(y) + "\n";
    gp += "EOD\n";
    plot += ", $f" + std::to_string(k) + " using 1:2 with lines dashtype 2 linewidth 2 linecolor " +
            std::to_string(s + 1) + " title " + gp_quote(fit_title(fit));
  }
  return gp + plot + "\n";
}

std::string draw_plot(const SweepFile& f, const SweepPoints& points, const std::string& title,
                      const fs::path& dir) {
  std::size_t plotted = 0;
  const std::string script = plot_script(f, points, title, plotted);
  if (plotted > 0) return draw_gnuplot(dir, "sweep", script, "plot");
  std::ofstream(dir / "sweep.gp") << script;
  fs::remove(dir / "sweep.svg");
  std::cerr << "plot: no point has a numeric " << f.plot.y << "; " << (dir / "sweep.svg").string()
            << " not drawn\n";
  return "";
}

}  // namespace ascendsim::cli
