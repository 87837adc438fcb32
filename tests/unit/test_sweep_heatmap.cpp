// The sweep's heat maps without gnuplot (sim/cli/sweep_plot.hpp): cell text, file names, the
// script's panels, data and colour range, and the console grids, on a hand-made 2x2x2 sweep
// whose values are huge, tiny, zero, missing or from failed points.
#include <catch2/catch.hpp>
#include <sstream>

#include "sim/cli/sweep_plot.hpp"

using namespace ascendsim;
using namespace ascendsim::cli;

namespace {

// Axes mean {0, 10} x amplitude {0.5, 20} x variant {fa, pasa}, one figure `err`.
SweepFile grid_file() {
  const auto node = config::ConfigNode::from_string("{}", "grid.yaml");
  SweepFile f;
  f.axes.push_back(Axis{"mean", {"mean"}, {"0", "10"}, {{"0"}, {"10"}}, node});
  f.axes.push_back(Axis{"amplitude", {"amplitude"}, {"0.5", "20"}, {{"0.5"}, {"20"}}, node});
  f.axes.push_back(Axis{"variant", {"variant"}, {"fa", "pasa"}, {{"fa"}, {"pasa"}}, node});
  f.figures = {"err"};
  return f;
}

// Point i is (mean, amplitude, variant) = point_choice(i): the variant varies fastest.
SweepPoints grid_points(const SweepFile& f) {
  const std::vector<Json> err{1.3e-4, 0.0, 5.5e7, nullptr, 2.0, 7.0, 123456, 0.5};
  const std::vector<int> exit_codes{0, 0, 0, 0, 1, 2, 0, 0};  // 4: check failed, 5: no report
  SweepPoints p;
  for (std::size_t i = 0; i < err.size(); ++i) {
    std::vector<std::string> values;
    const auto choice = point_choice(f, i);
    for (std::size_t a = 0; a < f.axes.size(); ++a) values.push_back(f.axes[a].values[choice[a]]);
    p.values.push_back(values);
    p.figures.push_back({err[i]});
    p.exit_codes.push_back(exit_codes[i]);
  }
  return p;
}

// The text of the datablock `name` ("$v0"), without its EOD lines.
std::string block(const std::string& gp, const std::string& name) {
  const auto start = gp.find(name + " << EOD\n");
  if (start == std::string::npos) return "<no " + name + ">";
  const auto body = start + name.size() + 8;
  return gp.substr(body, gp.find("EOD\n", body) - body);
}

}  // namespace

TEST_CASE("heatmap cells print 3 significant digits, exponents outside 0.001 to 999") {
  CHECK(heatmap_cell_text(0.0) == "0");
  CHECK(heatmap_cell_text(-0.0) == "0");
  CHECK(heatmap_cell_text(0.5) == "0.5");
  CHECK(heatmap_cell_text(12.3456) == "12.3");
  CHECK(heatmap_cell_text(123.4) == "123");
  CHECK(heatmap_cell_text(0.00123) == "0.00123");
  CHECK(heatmap_cell_text(1.3e-4) == "1.3e-04");
  CHECK(heatmap_cell_text(-2.5e-5) == "-2.5e-05");
  CHECK(heatmap_cell_text(999.7) == "1e+03");
  CHECK(heatmap_cell_text(1234) == "1.23e+03");
  CHECK(heatmap_cell_text(5.5e7) == "5.5e+07");
  CHECK(heatmap_cell_text(5e7) == "5e+07");
}

TEST_CASE("heatmap file names keep letters and digits of the figure and turn the rest into _") {
  CHECK(heatmap_stem("numeric_events.total.overflow") == "heatmap_numeric_events_total_overflow");
  CHECK(heatmap_stem("check.rmse_over_rms_v") == "heatmap_check_rmse_over_rms_v");
  CHECK(heatmap_stem("pipes[3].busy_cycles") == "heatmap_pipes_3__busy_cycles");
}

TEST_CASE("a heatmap script has a panel per other value, grey n/a cells and one log range") {
  const SweepFile f = grid_file();
  const SweepPoints points = grid_points(f);
  const std::string gp = heatmap_script(f, {"amplitude", "mean", "err", true}, points, "grid");
  INFO(gp);
  CHECK_THAT(gp, Catch::Contains("set output \"heatmap_err.svg\"\n"));
  CHECK_THAT(gp, Catch::Contains("set multiplot layout 1,2 title \"sweep grid: err over "
                                 "amplitude and mean\"\n"));
  CHECK_THAT(gp, Catch::Contains("set cblabel \"log scale; values <= 0 get the lowest colour\""));
  CHECK_THAT(gp, Catch::Contains("set title \"variant=fa\"\nplot $v0 "));
  CHECK_THAT(gp, Catch::Contains("set title \"variant=pasa\"\nplot $v1 "));
  CHECK_THAT(gp,
             Catch::Contains("set xtics (\"0.5\" 0, \"20\" 1)\nset ytics (\"0\" 0, \"10\" 1)\n"));
  CHECK_THAT(gp, Catch::Contains("set xrange [-0.5:1.5]\nset yrange [-0.5:1.5]\n"));
  // The range spans the positive numbers; the zero cell gets its bottom as colour.
  CHECK_THAT(gp, Catch::Contains("set cbrange [0.00013:55000000]\nset logscale cb\n"));
  // Panel fa: all four numbers, the failed check (exit 1) among them.
  CHECK(block(gp, "$v0") ==
        "0 0 0.00013 0.00013 \"1.3e-04\"\n1 0 55000000 55000000.0 \"5.5e+07\"\n"
        "0 1 2 2.0 \"2\"\n1 1 123456 123456 \"1.23e+05\"\n");
  CHECK(block(gp, "$n0") == "<no $n0>");
  // Panel pasa: a missing field and a point without a report (exit 2) are n/a.
  CHECK(block(gp, "$v1") == "0 0 0.00013 0.0 \"0\"\n1 1 0.5 0.5 \"0.5\"\n");
  CHECK(block(gp, "$n1") == "1 0 \"n/a\"\n0 1 \"n/a\"\n");
  CHECK_THAT(gp, Catch::Contains("$n1 using 1:2:(0.5):(0.5) with boxxyerror fillcolor rgb"));
  CHECK_THAT(gp, Catch::EndsWith("unset multiplot\n"));
}

TEST_CASE("a heatmap without other axes is one untitled panel and without numbers still valid") {
  SweepFile f = grid_file();
  f.axes.pop_back();
  SweepPoints points = grid_points(f);
  points.values.resize(4), points.figures.resize(4), points.exit_codes.resize(4);
  const std::string gp = heatmap_script(f, {"mean", "amplitude", "err", false}, points, "g");
  CHECK_THAT(gp, Catch::Contains("set multiplot layout 1,1 "));
  CHECK_THAT(gp, Catch::Contains("set title \"\"\nplot $v0 "));
  CHECK_THAT(gp, Catch::Contains("set cbrange [0:55000000]\n"));
  CHECK_FALSE(Catch::contains(gp, "logscale"));
  for (auto& row : points.figures) row[0] = nullptr;
  const std::string none = heatmap_script(f, {"mean", "amplitude", "err", true}, points, "g");
  CHECK(block(none, "$v0") == "<no $v0>");
  CHECK(block(none, "$n0") == "0 0 \"n/a\"\n1 0 \"n/a\"\n0 1 \"n/a\"\n1 1 \"n/a\"\n");
  CHECK_THAT(none, Catch::Contains("set cbrange [1:10]\n"));
}

TEST_CASE("heatmaps print as console grids, rows y, columns x, one per panel") {
  SweepFile f = grid_file();
  f.heatmaps.push_back({"amplitude", "mean", "err", true});
  std::ostringstream out;
  print_heatmap_tables(f, grid_points(f), out);
  CHECK(out.str() ==
        "\nheatmap err (variant=fa): mean \\ amplitude\n"
        "mean      0.5        20\n"
        "----  -------  --------\n"
        "   0  1.3e-04   5.5e+07\n"
        "  10        2  1.23e+05\n"
        "\nheatmap err (variant=pasa): mean \\ amplitude\n"
        "mean  0.5   20\n"
        "----  ---  ---\n"
        "   0    0  n/a\n"
        "  10  n/a  0.5\n");
}
