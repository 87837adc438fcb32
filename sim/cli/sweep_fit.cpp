// Power-law fits and ratios between a sweep's plot lines (see sweep_fit.hpp).
#include "sim/cli/sweep_fit.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <ostream>
#include <stdexcept>

#include "sim/cli/table.hpp"
#include "sim/config/units.hpp"

namespace ascendsim::cli {
namespace {

std::size_t index_of(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) - names.begin();
}

// The finite values of figure `k` along plot line `line`, one per x axis value (null: none).
std::vector<Json> line_values(const SweepFile& f, const SweepPoints& points,
                              const std::string& line, std::size_t k) {
  const std::size_t ix = index_of(names_of(f.axes), f.plot.x);
  std::vector<Json> out(f.axes[ix].values.size());
  for (std::size_t i = 0; i < points.values.size(); ++i) {
    const Json& v = points.figures[i][k];
    if (v.is_number() && std::isfinite(v.get<double>()) &&
        plot_line_label(f, points.values[i]) == line)
      out[point_choice(f, i)[ix]] = v;
  }
  return out;
}

std::string range_text(const SweepFile& f, const LineFit& fit) {
  return f.plot.x + " in [" + number_text(fit.from) + ", " + number_text(fit.to) + "]";
}

}  // namespace

PowerFit fit_power_law(const std::vector<std::pair<double, double>>& xy) {
  PowerFit fit;
  fit.points = xy.size();
  if (xy.empty()) return fit;
  fit.x_min = fit.x_max = xy[0].first;
  double mean_x = 0, mean_y = 0;
  for (const auto& [x, y] : xy) {
    fit.x_min = std::min(fit.x_min, x), fit.x_max = std::max(fit.x_max, x);
    mean_x += std::log(x) / xy.size(), mean_y += std::log(y) / xy.size();
  }
  double sxx = 0, sxy = 0, syy = 0;
  for (const auto& [x, y] : xy) {
    const double dx = std::log(x) - mean_x, dy = std::log(y) - mean_y;
    sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
  }
  if (sxx == 0) return fit;  // one distinct x: no slope
  fit.fitted = true;
  fit.slope = sxy / sxx;
  fit.intercept = mean_y - fit.slope * mean_x;
  double residual = 0;
  for (const auto& [x, y] : xy) {
    const double r = std::log(y) - (fit.intercept + fit.slope * std::log(x));
    residual += r * r;
  }
  fit.r2 = syy > 0 ? 1 - residual / syy : 1.0;
  return fit;
}

std::vector<std::pair<double, double>> fit_curve(const PowerFit& fit, std::size_t samples) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t k = 0; k < samples; ++k) {
    const double t = samples > 1 ? double(k) / double(samples - 1) : 0.0;
    const double x = fit.x_min * std::pow(fit.x_max / fit.x_min, t);
    out.emplace_back(x, std::exp(fit.intercept + fit.slope * std::log(x)));
  }
  return out;
}

LineFit fit_line(const SweepFile& f, const FitSpec& spec, const SweepPoints& points) {
  const std::vector<std::string>& xs = f.axes[index_of(names_of(f.axes), f.plot.x)].values;
  LineFit out{
      spec, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), {}};
  for (const std::string& v : xs)
    if (const auto x = config::units::parse_double(v))
      out.from = std::min(out.from, *x), out.to = std::max(out.to, *x);
  out.from = spec.from.value_or(out.from);
  out.to = spec.to.value_or(out.to);
  const std::vector<Json> ys = line_values(f, points, spec.line, index_of(f.figures, f.plot.y));
  std::vector<std::pair<double, double>> xy;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const auto x = config::units::parse_double(xs[k]);
    if (x && *x > 0 && *x >= out.from && *x <= out.to && !ys[k].is_null() &&
        ys[k].get<double>() > 0)
      xy.emplace_back(*x, ys[k].get<double>());
  }
  out.fit = fit_power_law(xy);
  return out;
}

std::vector<RatioRow> ratio_rows(const SweepFile& f, const RatioSpec& r,
                                 const SweepPoints& points) {
  const std::size_t k = index_of(f.figures, r.figure);
  const std::vector<Json> num = line_values(f, points, r.numerator, k);
  const std::vector<Json> den = line_values(f, points, r.denominator, k);
  const std::vector<std::string>& xs = f.axes[index_of(names_of(f.axes), f.plot.x)].values;
  std::vector<RatioRow> rows;
  for (std::size_t x = 0; x < xs.size(); ++x)
    if (!num[x].is_null() && !den[x].is_null() && den[x].get<double>() != 0)
      rows.push_back({xs[x], num[x], den[x], num[x].get<double>() / den[x].get<double>()});
  return rows;
}

FitResults fit_results(const SweepFile& f, const SweepPoints& points) {
  FitResults r;
  for (const FitSpec& spec : f.fits) r.fits.push_back(fit_line(f, spec, points));
  for (const RatioSpec& spec : f.ratios) r.ratios.push_back(ratio_rows(f, spec, points));
  return r;
}

std::string fit_summary(const SweepFile& f, const LineFit& fit) {
  const std::string n = std::to_string(fit.fit.points);
  const std::string points = n + (fit.fit.points == 1 ? " point" : " points");
  if (!fit.fit.fitted)
    return "fit " + fit.spec.line + ": not enough points over " + range_text(f, fit) + " (" +
           points + ")";
  return fit_title(fit) + " over " + range_text(f, fit) + " (" + points + ", R^2 " +
         number_text(fit.fit.r2, 4) + ")";
}

std::string fit_title(const LineFit& fit) {
  return "fit " + fit.spec.line + ": slope " + number_text(fit.fit.slope, 3);
}

void print_fit_results(const SweepFile& f, const FitResults& r, std::ostream& out) {
  if (!r.fits.empty()) out << "\n";
  for (const LineFit& fit : r.fits) out << fit_summary(f, fit) << "\n";
  for (std::size_t k = 0; k < r.ratios.size(); ++k) {
    const RatioSpec& spec = f.ratios[k];
    out << "\n"
        << spec.name << " = " << spec.figure << "(" << spec.numerator << ") / " << spec.figure
        << "(" << spec.denominator << ")\n";
    Table table({f.plot.x, spec.numerator, spec.denominator, spec.name});
    for (const RatioRow& row : r.ratios[k])
      table.add_row({row.x, field_display(row.numerator), field_display(row.denominator),
                     field_display(Json(row.ratio))});
    table.print(out);
    if (r.ratios[k].empty())
      out << "(no value of " << f.plot.x << " where both lines have a number)\n";
  }
}

std::vector<std::string> write_fit_results(const SweepFile& f, const FitResults& r,
                                           const std::filesystem::path& dir) {
  std::vector<std::string> written;
  auto write = [&](const std::string& name, const Table& table) {
    const std::filesystem::path path = dir / name;
    std::ofstream file(path);
    table.write_csv(file);
    if (!file) throw std::runtime_error("cannot write " + path.string());
    written.push_back(path.string());
  };
  auto number = [](bool has, double v) { return has ? field_text(Json(v)) : std::string(); };
  if (!f.fits.empty()) {
    Table fits({"line", "from", "to", "points", "slope", "intercept", "r2"});
    for (const LineFit& fit : r.fits)
      fits.add_row({fit.spec.line, number_text(fit.from), number_text(fit.to),
                    std::to_string(fit.fit.points), number(fit.fit.fitted, fit.fit.slope),
                    number(fit.fit.fitted, fit.fit.intercept), number(fit.fit.fitted, fit.fit.r2)});
    write("sweep_fits.csv", fits);
  }
  if (!f.ratios.empty()) {
    Table ratios({"name", "x", "numerator", "denominator", "ratio"});
    for (std::size_t k = 0; k < r.ratios.size(); ++k)
      for (const RatioRow& row : r.ratios[k])
        ratios.add_row({f.ratios[k].name, row.x, field_text(row.numerator),
                        field_text(row.denominator), field_text(Json(row.ratio))});
    write("sweep_ratios.csv", ratios);
  }
  return written;
}

}  // namespace ascendsim::cli
