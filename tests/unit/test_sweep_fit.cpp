// A sweep's fits and ratios without running one (sim/cli/sweep_fit.hpp): the least-squares fit on
// a hand-made scaling sweep whose lines are exact power laws, broken by an outlier, a failed
// point and a zero; the console text, CSVs and plot lines; and reading `fits` and `ratios` from
// sweep files, one test per error.
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "sim/cli/sweep_fit.hpp"
#include "test_trace_util.hpp"

using namespace ascendsim;
using namespace ascendsim::cli;
using ascendsim::testing::TempDir;

namespace {

// Axes n {1, 2, 4, 8, 16} x method {a, b}; figure cycles; the plot: cycles over n on log-log
// axes, a line per method.
SweepFile scaling_file() {
  const auto node = config::ConfigNode::from_string("{}", "scaling.yaml");
  SweepFile f;
  f.axes.push_back(Axis{"n", {"n"}, {"1", "2", "4", "8", "16"}, {}, node});
  f.axes.push_back(Axis{"method", {"method"}, {"a", "b"}, {}, node});
  f.figures = {"cycles"};
  f.plot = {"n", "cycles", "method", true, true};
  return f;
}

// Method a: 3 n^1.5 but 1 at n = 16 (an outlier). Method b: 5 n^2 up to n = 4, then a failed
// point (null) and a zero.
SweepPoints scaling_points(const SweepFile& f) {
  SweepPoints p;
  for (std::size_t i = 0; i < point_count(f); ++i) {
    p.values.push_back(point_values(f, i));
    const double n = std::stod(p.values[i][0]);
    Json y = std::int64_t(0);
    if (p.values[i][1] == "a")
      y = n == 16 ? 1.0 : 3 * std::pow(n, 1.5);
    else if (n <= 4)
      y = std::int64_t(5 * n * n);
    else if (n == 8)
      y = nullptr;
    p.figures.push_back({y});
    p.exit_codes.push_back(y.is_null() ? 2 : 0);
  }
  return p;
}

FitSpec fit_of(const std::string& line, std::optional<double> from, std::optional<double> to) {
  return FitSpec{line, from, to};
}

// A sweep file over kernel.m x kernel.dtype (lines "kernel.dtype=bf16" and "=fp16") with `extra`
// from line 7 on, under `sweep:`.
std::string sweep_yaml(const TempDir& dir, const std::string& extra) {
  const std::string path = dir.file("fits.yaml");
  ascendsim::testing::write_text(
      path, "sweep:\n  run: " ASCENDSIM_SOURCE_DIR
            "/tests/data/cli/gemm_small.yaml\n  axes:\n    kernel.m: [128, 256, 512]\n"
            "    kernel.dtype: [bf16, fp16]\n  figures: [cycles, tflops]\n" +
                extra);
  return path;
}

std::string read_error(const std::string& extra) {
  const TempDir dir;
  try {
    read_sweep(sweep_yaml(dir, extra));
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("an exact power law y = 3 x^1.5 fits slope 1.5 and R^2 1") {
  std::vector<std::pair<double, double>> xy;
  for (double x : {1.0, 2.0, 5.0, 64.0, 1000.0, 16384.0}) xy.emplace_back(x, 3 * std::pow(x, 1.5));
  const PowerFit fit = fit_power_law(xy);
  REQUIRE(fit.fitted);
  CHECK(fit.points == 6);
  CHECK(fit.slope == Approx(1.5).margin(1e-12));
  CHECK(fit.intercept == Approx(std::log(3.0)).margin(1e-12));
  CHECK(fit.r2 == Approx(1).margin(1e-12));
  CHECK(fit.x_min == 1);
  CHECK(fit.x_max == 16384);
}

TEST_CASE("a fit takes only the points of its line inside its x range") {
  const SweepFile f = scaling_file();
  const SweepPoints points = scaling_points(f);
  const LineFit ranged = fit_line(f, fit_of("method=a", 1, 8), points);
  CHECK(ranged.fit.points == 4);
  CHECK(ranged.fit.slope == Approx(1.5).margin(1e-12));
  CHECK(ranged.fit.r2 == Approx(1).margin(1e-12));
  CHECK(fit_summary(f, ranged) == "fit method=a: slope 1.5 over n in [1, 8] (4 points, R^2 1)");
  // Without bounds the outlier at n = 16 joins: a worse fit over the whole axis.
  const LineFit all = fit_line(f, fit_of("method=a", std::nullopt, std::nullopt), points);
  CHECK(all.fit.points == 5);
  CHECK(all.fit.slope < 1.2);
  CHECK(all.fit.r2 < 0.9);
  CHECK(all.from == 1);
  CHECK(all.to == 16);
  // Line b's failed point (null) and zero drop out: 5 n^2 at n = 1, 2, 4.
  const LineFit b = fit_line(f, fit_of("method=b", std::nullopt, std::nullopt), points);
  CHECK(b.fit.points == 3);
  CHECK(b.fit.slope == Approx(2).margin(1e-12));
  CHECK(b.fit.intercept == Approx(std::log(5.0)).margin(1e-12));
}

TEST_CASE("a fit with fewer than 2 points says not enough points and is not drawn") {
  const SweepFile f = scaling_file();
  const SweepPoints points = scaling_points(f);
  const LineFit one = fit_line(f, fit_of("method=b", 4, 16), points);
  CHECK_FALSE(one.fit.fitted);
  CHECK(one.fit.points == 1);
  CHECK(fit_summary(f, one) == "fit method=b: not enough points over n in [4, 16] (1 point)");
  const LineFit none = fit_line(f, fit_of("method=a", 3, 3.5), points);
  CHECK(none.fit.points == 0);
  CHECK(fit_summary(f, none) == "fit method=a: not enough points over n in [3, 3.5] (0 points)");
  CHECK_FALSE(fit_power_law({{2, 1}, {2, 5}}).fitted);  // one distinct x: no slope
  SweepFile drawn = f;
  drawn.fits = {fit_of("method=b", 4, 16)};
  std::size_t plotted = 0;
  CHECK_FALSE(Catch::contains(plot_script(drawn, points, "t", plotted), "$f0"));
}

TEST_CASE("a ratio divides two lines per x value where both have a number and it is defined") {
  const SweepFile f = scaling_file();
  const auto rows =
      ratio_rows(f, {"a_over_b", "cycles", "method=a", "method=b"}, scaling_points(f));
  REQUIRE(rows.size() == 3);  // n = 8: b failed; n = 16: b is 0
  CHECK(rows[0].x == "1");
  CHECK(rows[0].numerator == Json(3.0));
  CHECK(rows[0].denominator == Json(5));
  CHECK(rows[0].ratio == Approx(0.6));
  CHECK(rows[1].x == "2");
  CHECK(rows[1].ratio == Approx(3 * std::pow(2.0, 1.5) / 20));
  CHECK(rows[2].x == "4");
  CHECK(rows[2].ratio == Approx(0.3));
}

TEST_CASE("fits print a line each and ratios a table titled by their name") {
  SweepFile f = scaling_file();
  f.fits = {fit_of("method=a", 1, 8), fit_of("method=b", 4, 16)};
  f.ratios = {{"speedup", "cycles", "method=b", "method=a"}};
  std::ostringstream out;
  print_fit_results(f, fit_results(f, scaling_points(f)), out);
  CHECK(
      out.str() ==
      "\nfit method=a: slope 1.5 over n in [1, 8] (4 points, R^2 1)\n"
      "fit method=b: not enough points over n in [4, 16] (1 point)\n"
      "\nspeedup = cycles(method=b) / cycles(method=a)\n"
      " n  method=b  method=a  speedup\n"
      "--  --------  --------  -------\n"
      " 1         5         3    1.667\n"
      " 2        20     8.485    2.357\n"
      " 4        80        24    3.333\n"
      "16         0         1        0\n");  // a zero numerator is a ratio, a zero denominator not
}

TEST_CASE("the plot draws each fit dashed over its points in its line's colour") {
  SweepFile f = scaling_file();
  f.fits = {fit_of("method=b", std::nullopt, std::nullopt)};
  std::size_t plotted = 0;
  const std::string gp = plot_script(f, scaling_points(f), "scaling", plotted);
  INFO(gp);
  CHECK(plotted == 9);
  CHECK_THAT(gp, Catch::Contains("$f0 << EOD\n1 5\n"));
  CHECK_THAT(gp, Catch::Contains("\n4 80\nEOD\n"));
  CHECK_THAT(gp, Catch::Contains(
                     " $s1 using 1:2 with linespoints pointtype 7 title "
                     "\"method=b\", $f0 using 1:2 with lines dashtype 2 linewidth 2 linecolor 2 "
                     "title \"fit method=b: slope 2\"\n"));
}

TEST_CASE("sweep_fits.csv and sweep_ratios.csv have a row per fit and per ratio row") {
  SweepFile f = scaling_file();
  f.fits = {fit_of("method=a", 1, 8), fit_of("method=b", 4, 16)};
  f.ratios = {{"speedup", "cycles", "method=b", "method=a"}};
  const TempDir dir;
  const auto files = write_fit_results(f, fit_results(f, scaling_points(f)), dir.dir());
  REQUIRE(files ==
          std::vector<std::string>{dir.file("sweep_fits.csv"), dir.file("sweep_ratios.csv")});
  const std::string fits = ascendsim::testing::read_text(files[0]);
  CHECK_THAT(fits, Catch::StartsWith("line,from,to,points,slope,intercept,r2\n"
                                     "method=a,1,8,4,1.5,1.09861229,1.0\n"));
  CHECK_THAT(fits, Catch::EndsWith("\nmethod=b,4,16,1,,,\n"));
  CHECK(ascendsim::testing::read_text(files[1]) ==
        "name,x,numerator,denominator,ratio\nspeedup,1,5,3.0,1.66666667\n"
        "speedup,2,20,8.48528137,2.3570226\nspeedup,4,80,24.0,3.33333333\n"
        "speedup,16,0,1.0,0.0\n");
  f.fits.clear(), f.ratios.clear();
  CHECK(write_fit_results(f, fit_results(f, scaling_points(f)), dir.dir()).empty());
}

TEST_CASE("a plot line is labelled by the axes other than x with the series first") {
  const auto node = config::ConfigNode::from_string("{}", "labels.yaml");
  SweepFile f;
  f.axes.push_back(Axis{"m", {"m"}, {"128", "256"}, {}, node});
  f.axes.push_back(Axis{"dtype", {"dtype"}, {"bf16", "int8"}, {}, node});
  f.axes.push_back(Axis{"cores", {"cores"}, {"1", "24"}, {}, node});
  f.plot = {"m", "cycles", "cores", false, false};
  CHECK(plot_line_labels(f) ==
        std::vector<std::string>{"cores=1, dtype=bf16", "cores=24, dtype=bf16",
                                 "cores=1, dtype=int8", "cores=24, dtype=int8"});
  f.axes.erase(f.axes.begin() + 1, f.axes.end());
  f.plot.series.clear();
  CHECK(plot_line_labels(f) == std::vector<std::string>{"cycles"});  // the legend's title
}

TEST_CASE("a sweep file reads fits and ratios with their defaults") {
  const TempDir dir;
  const SweepFile f = read_sweep(sweep_yaml(dir,
                                            "  plot: {y: tflops}\n"
                                            "  fits:\n"
                                            "    - {line: kernel.dtype=bf16, from: 128, to: 256}\n"
                                            "    - {line: kernel.dtype=fp16}\n"
                                            "  ratios:\n"
                                            "    - name: fp16_over_bf16\n"
                                            "      numerator: kernel.dtype=fp16\n"
                                            "      denominator: kernel.dtype=bf16\n"));
  REQUIRE(f.fits.size() == 2);
  CHECK(f.fits[0].line == "kernel.dtype=bf16");
  CHECK(f.fits[0].from == 128.0);
  CHECK(f.fits[0].to == 256.0);
  CHECK_FALSE(f.fits[1].from);
  CHECK_FALSE(f.fits[1].to);
  REQUIRE(f.ratios.size() == 1);
  CHECK(f.ratios[0].figure == "tflops");  // plot.y
  CHECK(f.ratios[0].numerator == "kernel.dtype=fp16");
}

TEST_CASE("a fit of a line the plot does not have lists the plot's lines") {
  const std::string e = read_error("  fits:\n    - {line: kernel.dtype=int8}\n");
  CHECK_THAT(e, Catch::Contains("fits.yaml:8:") &&
                    Catch::Contains("sweep.fits[0].line: expected one of the plot's lines "
                                    "\"kernel.dtype=bf16\", \"kernel.dtype=fp16\", got "
                                    "\"kernel.dtype=int8\""));
}

TEST_CASE("a fit whose from is above its to is an error at to") {
  const std::string e =
      read_error("  fits:\n    - line: kernel.dtype=bf16\n      from: 512\n      to: 256\n");
  CHECK_THAT(e, Catch::Contains("fits.yaml:10:11: sweep.fits[0].to: expected a number >= from "
                                "(512), got \"256\""));
  const std::string zero = read_error("  fits:\n    - {line: kernel.dtype=bf16, from: 0}\n");
  CHECK_THAT(zero, Catch::Contains("fits.yaml:8:") &&
                       Catch::Contains("sweep.fits[0].from: expected a number > 0, got \"0\""));
}

TEST_CASE("a fit over a non-numeric x axis is an error naming the axis") {
  const std::string e =
      read_error("  plot: {x: kernel.dtype}\n  fits:\n    - {line: kernel.m=128}\n");
  CHECK_THAT(e, Catch::Contains("fits.yaml:9:") &&
                    Catch::Contains("sweep.fits: a fit needs a numeric x axis, and the plot's x "
                                    "axis kernel.dtype has the value \"bf16\""));
}

TEST_CASE("a ratio of a field that is not a figure is an error listing the figures") {
  const std::string e = read_error(
      "  ratios:\n    - {name: r, figure: time_us, numerator: kernel.dtype=bf16, "
      "denominator: kernel.dtype=fp16}\n");
  CHECK_THAT(e, Catch::Contains("fits.yaml:8:") &&
                    Catch::Contains("sweep.ratios[0].figure: expected one of cycles, tflops, got "
                                    "\"time_us\""));
}

TEST_CASE("a ratio of a line over itself is an error at its denominator") {
  const std::string e = read_error(
      "  ratios:\n    - {name: r, numerator: kernel.dtype=bf16, denominator: kernel.dtype=bf16}\n");
  CHECK_THAT(e, Catch::Contains("fits.yaml:8:") &&
                    Catch::Contains("sweep.ratios[0].denominator: expected a line other than the "
                                    "numerator (kernel.dtype=bf16), got \"kernel.dtype=bf16\""));
}

TEST_CASE("a ratio name must be an identifier no other ratio has") {
  const std::string ratio = "numerator: kernel.dtype=bf16, denominator: kernel.dtype=fp16}\n";
  const std::string bad = read_error("  ratios:\n    - {name: 2x, " + ratio);
  CHECK_THAT(bad, Catch::Contains("sweep.ratios[0].name: expected an identifier (letters, digits "
                                  "and _, not starting with a digit), got \"2x\""));
  const std::string twice =
      read_error("  ratios:\n    - {name: r, " + ratio + "    - {name: r, " + ratio);
  CHECK_THAT(twice, Catch::Contains("fits.yaml:9:") &&
                        Catch::Contains("sweep.ratios[1].name: expected a name no other ratio has "
                                        "(sweep.ratios[0].name is r), got \"r\""));
}

TEST_CASE("a sweep's exclude entries match points on every axis they list") {
  const TempDir dir;
  const SweepFile f = read_sweep(sweep_yaml(
      dir,
      "  exclude:\n    - {kernel.dtype: fp16, kernel.m: [256, 512]}\n    - {kernel.m: 128}\n"));
  CHECK(point_excluded(f, {"256", "fp16"}));
  CHECK(point_excluded(f, {"512", "fp16"}));
  CHECK_FALSE(point_excluded(f, {"256", "bf16"}));  // the first entry needs both axes
  CHECK(point_excluded(f, {"128", "bf16"}));        // the second only kernel.m
}

TEST_CASE("an exclude entry naming no axis or no value of its axis is an error listing them") {
  CHECK_THAT(read_error("  exclude:\n    - {kernel.n: 128}\n"),
             Catch::Contains("fits.yaml:8:") &&
                 Catch::Contains("`kernel.n` is not an axis (the axes: kernel.m, kernel.dtype)"));
  CHECK_THAT(read_error("  exclude:\n    - {kernel.m: [128, 1024]}\n"),
             Catch::Contains("sweep.exclude[0].kernel.m[1]: expected a value of axis kernel.m "
                             "(128, 256, 512), got \"1024\""));
}
