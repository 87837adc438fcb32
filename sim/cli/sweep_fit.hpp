#pragma once
// The `fits` and `ratios` of a sweep file (schema: the top of cmd_sweep.cpp), computed from what
// the sweep measured: plain functions, no processes, no files but the two CSVs.
//
// - A fit is y = c x^slope over one plot line: least squares on (ln x, ln y) over its points
//   with x in [from, to] and x > 0, and a finite plot.y > 0. R^2 is that of the log-log line (1
//   when all ln y are equal). Fewer than 2 distinct x is "not enough points", not an error.
// - A ratio has a row per x value (in axis order) where both lines have a finite figure and the
//   denominator's is not 0: numerator / denominator.
// Points without a report have null figures and so take part in neither.
#include <filesystem>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "sim/cli/sweep_file.hpp"
#include "sim/cli/sweep_plot.hpp"

namespace ascendsim::cli {

// ln y = intercept + slope ln x, fitted to (x, y) pairs with x, y > 0.
struct PowerFit {
  bool fitted = false;     // false: fewer than 2 distinct x
  std::size_t points = 0;  // the pairs given
  double slope = 0, intercept = 0, r2 = 0;
  double x_min = 0, x_max = 0;  // the smallest and largest x given (0 without pairs)
};
PowerFit fit_power_law(const std::vector<std::pair<double, double>>& xy);
// The fitted curve as `samples` points spaced evenly in ln x from x_min to x_max (for the plot).
std::vector<std::pair<double, double>> fit_curve(const PowerFit& fit, std::size_t samples = 33);

// One entry of `fits` applied to the points.
struct LineFit {
  FitSpec spec;
  double from = 0, to = 0;  // the spec's bounds, else the x axis's smallest and largest value
  PowerFit fit;
};
LineFit fit_line(const SweepFile& f, const FitSpec& spec, const SweepPoints& points);

// One row of a ratio: the x axis value's label, the two lines' figures, their quotient.
struct RatioRow {
  std::string x;
  Json numerator, denominator;
  double ratio = 0;
};
std::vector<RatioRow> ratio_rows(const SweepFile& f, const RatioSpec& r, const SweepPoints& points);

// Every fit and ratio of the file, in file order.
struct FitResults {
  std::vector<LineFit> fits;
  std::vector<std::vector<RatioRow>> ratios;  // [ratio][row]
};
FitResults fit_results(const SweepFile& f, const SweepPoints& points);

// "fit method=finom: slope 1.02 over n in [16384, 1048576] (7 points, R^2 0.9998)", or
// "fit ...: not enough points over n in [...] (1 point)".
std::string fit_summary(const SweepFile& f, const LineFit& fit);
// The legend title of a drawn fit: "fit method=finom: slope 1.02".
std::string fit_title(const LineFit& fit);
// The console text: a line per fit, then a table per ratio titled by its name.
void print_fit_results(const SweepFile& f, const FitResults& r, std::ostream& out);
// Writes DIR/sweep_fits.csv (line,from,to,points,slope,intercept,r2) when the file has fits and
// DIR/sweep_ratios.csv (name,x,numerator,denominator,ratio) when it has ratios; returns their
// paths. std::runtime_error when a file cannot be written.
std::vector<std::string> write_fit_results(const SweepFile& f, const FitResults& r,
                                           const std::filesystem::path& dir);

}  // namespace ascendsim::cli
