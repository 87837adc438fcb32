// End to end: `ascendsim check`, `compare` and `sweep` run the built binary (ASCENDSIM_BINARY) on
// the small files in tests/data/cli/, as a user would, and look at exit codes, console text and
// the files written. Tiny GEMMs, timing-only where the numbers do not matter.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/cli/subprocess.hpp"
#include "sim/cli/sweep_plot.hpp"

namespace {

namespace fs = std::filesystem;

struct Ran {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string data(const std::string& name) {
  return (fs::path(ASCENDSIM_SOURCE_DIR) / "tests" / "data" / "cli" / name).string();
}

// A fresh, empty folder for one test's outputs, under the ctest working directory.
fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::current_path() / "cli_test_out" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// `ascendsim <args...>`, its console output kept in <dir>/console.txt.
Ran run_ascendsim(const fs::path& dir, const std::vector<std::string>& args) {
  ascendsim::cli::ChildJob job;
  job.argv = {ASCENDSIM_BINARY};
  job.argv.insert(job.argv.end(), args.begin(), args.end());
  job.log_path = (dir / "console.txt").string();
  Ran r;
  r.exit_code = ascendsim::cli::run_child(job).exit_code;
  r.output = read_text(job.log_path);
  return r;
}

// `ascendsim sweep tests/data/cli/<file> -j 2 --out <dir>`.
Ran run_sweep(const fs::path& dir, const std::string& file) {
  return run_ascendsim(dir, {"sweep", data(file), "-j", "2", "--out", dir.string()});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> cells_of(const std::string& csv_line) {
  std::vector<std::string> out;
  std::istringstream in(csv_line);
  for (std::string cell; std::getline(in, cell, ',');) out.push_back(cell);
  return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a golden whose expectations all hold exits 0 and prints OK for every field") {
  const fs::path dir = fresh_dir("golden_pass");
  const Ran r =
      run_ascendsim(dir, {"check", data("golden_pass.yaml"), "--out", (dir / "run").string()});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("5 of 5 fields match"));
  CHECK_THAT(r.output, Catch::Contains("flops.total"));
  CHECK_THAT(r.output, Catch::Contains("OK"));
  CHECK_FALSE(Catch::contains(r.output, "MISS"));
  CHECK(fs::exists(dir / "run" / "report.json"));
}

TEST_CASE("a golden with a wrong expected value exits 1 and names the field it missed") {
  const fs::path dir = fresh_dir("golden_miss");
  const Ran r =
      run_ascendsim(dir, {"check", data("golden_miss.yaml"), "--out", (dir / "run").string()});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("MISS flops.total: expected 1000 (rel 0.01), got 16777216"));
  CHECK_THAT(r.output, Catch::Contains("why: deliberately wrong"));
  CHECK_THAT(r.output, Catch::Contains("1 of 2 fields match"));
}

TEST_CASE("a golden naming an unknown report field exits 2 naming the golden's file and line") {
  const fs::path dir = fresh_dir("golden_unknown");
  const Ran r = run_ascendsim(
      dir, {"check", data("golden_unknown_field.yaml"), "--out", (dir / "run").string()});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("golden_unknown_field.yaml:8:"));
  CHECK_THAT(r.output, Catch::Contains("did you mean 'read_bytes'?"));
}

TEST_CASE("check, compare and sweep explain themselves and reject a missing file with exit 2") {
  const fs::path dir = fresh_dir("help");
  for (const std::string cmd : {"check", "compare", "sweep"}) {
    const Ran help = run_ascendsim(dir, {cmd, "--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.output, Catch::Contains("usage: ascendsim " + cmd));
    CHECK_THAT(help.output, Catch::Contains("example: ascendsim " + cmd));
    const Ran missing = run_ascendsim(dir, {cmd, "no/such/file.yaml"});
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.output, Catch::Contains("no/such/file.yaml: cannot read file"));
  }
}

TEST_CASE("a compare of two tiny variants writes compare.csv with one row per variant") {
  const fs::path dir = fresh_dir("compare_two");
  const Ran r =
      run_ascendsim(dir, {"compare", data("compare_two.yaml"), "--out", dir.string(), "-j", "2"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const auto csv = lines_of(read_text(dir / "compare.csv"));
  REQUIRE(csv.size() == 3);
  CHECK(csv[0] == "variant,cycles,flops.total,cube_utilization,model.bound,speedup,exit_code");
  CHECK_THAT(csv[1], Catch::StartsWith("bf16,") && Catch::EndsWith(",1.0,0"));
  CHECK_THAT(csv[2], Catch::StartsWith("fp16,") && Catch::Contains(",16777216,"));
  CHECK(fs::exists(dir / "bf16" / "report.json"));
  CHECK(fs::exists(dir / "fp16" / "report.json"));
  CHECK_THAT(read_text(dir / "compare.json"),
             Catch::Contains("\"schema\": \"ascendsim.compare/1\""));
  CHECK_THAT(r.output, Catch::Contains("speedup"));
}

TEST_CASE("a failing variant gives the compare its exit code and the others are still written") {
  const fs::path dir = fresh_dir("compare_failing");
  const Ran r =
      run_ascendsim(dir, {"compare", data("compare_failing.yaml"), "--out", dir.string()});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("variant too_many_cores: exit code 2 (bad input)"));
  CHECK_THAT(r.output, Catch::Contains("kernel.cores"));  // the tail of the child's log
  const auto csv = lines_of(read_text(dir / "compare.csv"));
  REQUIRE(csv.size() == 3);
  CHECK_THAT(csv[1], Catch::StartsWith("ok,") && Catch::EndsWith(",0"));
  CHECK(csv[2] == "too_many_cores,,,,2");
}

TEST_CASE("a 2x2 sweep with two workers writes four CSV rows in point order and a plot") {
  const fs::path dir = fresh_dir("sweep_2x2");
  const Ran r = run_sweep(dir, "sweep_2x2.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const auto csv = lines_of(read_text(dir / "sweep.csv"));
  REQUIRE(csv.size() == 5);
  CHECK(csv[0] == "kernel.m,kernel.dtype,flops.total,cycles,cube_utilization,exit_code");
  CHECK_THAT(csv[1], Catch::StartsWith("128,bf16,8388608,") && Catch::EndsWith(",0"));
  CHECK_THAT(csv[2], Catch::StartsWith("128,fp16,8388608,"));
  CHECK_THAT(csv[3], Catch::StartsWith("256,bf16,16777216,"));
  CHECK_THAT(csv[4], Catch::StartsWith("256,fp16,16777216,"));
  CHECK(fs::exists(dir / "points" / "0_kernel.m=128_kernel.dtype=bf16" / "report.json"));
  CHECK(fs::exists(dir / "points" / "3_kernel.m=256_kernel.dtype=fp16" / "log.txt"));
  const std::string gp = read_text(dir / "sweep.gp");
  CHECK_THAT(gp, Catch::Contains("set logscale x"));
  CHECK_THAT(gp, Catch::Contains("title \"kernel.dtype=fp16\""));
  CHECK_THAT(read_text(dir / "sweep.svg"), Catch::Contains("<svg"));
}

TEST_CASE("a misspelt key in a sweep file exits 2 naming file, line and the key it meant") {
  const fs::path dir = fresh_dir("sweep_typo");
  const Ran r = run_ascendsim(dir, {"sweep", data("sweep_typo.yaml"), "--out", dir.string()});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("sweep_typo.yaml:6:3: sweep.figurs: unknown key"));
  CHECK_THAT(r.output, Catch::Contains("did you mean 'figures'?"));
  CHECK_FALSE(fs::exists(dir / "points"));
}

TEST_CASE("a 2x2 sweep with a heatmap labels each cell with its cycles and prints the grid") {
  const fs::path dir = fresh_dir("sweep_heatmap");
  const Ran r = run_sweep(dir, "sweep_heatmap.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const auto csv = lines_of(read_text(dir / "sweep.csv"));
  REQUIRE(csv.size() == 5);
  REQUIRE(csv[0] == "kernel.m,kernel.dtype,flops.total,cycles,cube_utilization,exit_code");
  const std::string gp = read_text(dir / "heatmap_cycles.gp");
  CHECK_THAT(gp, Catch::Contains("set xtics (\"128\" 0, \"256\" 1)"));
  CHECK_THAT(gp, Catch::Contains("set ytics (\"bf16\" 0, \"fp16\" 1)"));
  CHECK_THAT(gp, Catch::Contains("set output \"heatmap_cycles.svg\""));
  CHECK_FALSE(Catch::contains(gp, "set logscale cb"));
  CHECK_FALSE(Catch::contains(gp, "n/a"));
  // Point order: m slowest. Each data line: x position, y position, colour, value, label.
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string cycles = cells_of(csv[i + 1]).at(3);
    labels.push_back(ascendsim::cli::heatmap_cell_text(std::stod(cycles)));
    const std::string line = std::to_string(i / 2) + " " + std::to_string(i % 2) + " " + cycles +
                             " " + cycles + " \"" + labels.back() + "\"\n";
    CHECK_THAT(gp, Catch::Contains(line));
  }
  // The console grid: rows kernel.dtype, columns kernel.m.
  CHECK_THAT(r.output, Catch::Contains("heatmap cycles: kernel.dtype \\ kernel.m\n"));
  const auto console = lines_of(r.output);
  const auto bf16 = std::find_if(console.begin(), console.end(), [](const std::string& l) {
    return Catch::startsWith(l, "bf16 ");
  });
  REQUIRE(bf16 != console.end());
  CHECK_THAT(*bf16, Catch::Contains(labels[0]) && Catch::EndsWith(labels[2]));
  // The second heat map: axes swapped, log colour.
  const std::string util = read_text(dir / "heatmap_cube_utilization.gp");
  CHECK_THAT(util, Catch::Contains("set logscale cb"));
  CHECK_THAT(util, Catch::Contains("set xtics (\"bf16\" 0, \"fp16\" 1)"));
  CHECK_THAT(r.output, Catch::Contains("heatmap cube_utilization: kernel.m \\ kernel.dtype\n"));
  if (ascendsim::cli::find_program("gnuplot")) {
    CHECK_THAT(read_text(dir / "heatmap_cycles.svg"), Catch::Contains("<svg"));
    CHECK_THAT(read_text(dir / "heatmap_cube_utilization.svg"), Catch::Contains("<svg"));
    CHECK_THAT(r.output, Catch::Contains((dir / "heatmap_cycles.svg").string()));
  }
}

TEST_CASE("without gnuplot a sweep keeps its heatmap scripts and says how to draw them") {
  const fs::path dir = fresh_dir("sweep_heatmap_no_gnuplot");
  ascendsim::cli::ChildJob job;  // the points run /proc/self/exe, so an empty PATH hides gnuplot
  job.argv = {"/usr/bin/env", "PATH=/nonexistent",        ASCENDSIM_BINARY,
              "sweep",        data("sweep_heatmap.yaml"), "--out",
              dir.string()};
  job.log_path = (dir / "console.txt").string();
  const int code = ascendsim::cli::run_child(job).exit_code;
  const std::string output = read_text(job.log_path);
  INFO(output);
  CHECK(code == 0);
  CHECK_THAT(output,
             Catch::Contains("heatmap cycles: gnuplot not found; kept " +
                             (dir / "heatmap_cycles.gp").string() + " (with gnuplot " +
                             "installed: cd " + dir.string() + " && gnuplot heatmap_cycles.gp)"));
  CHECK_THAT(output, Catch::Contains("wrote " + (dir / "sweep.csv").string() + "\n"));
  CHECK_THAT(read_text(dir / "heatmap_cube_utilization.gp"), Catch::Contains("set logscale cb"));
  CHECK_FALSE(fs::exists(dir / "heatmap_cycles.svg"));
}

TEST_CASE("a heatmap of a sweep with a third axis draws one panel per value of that axis") {
  const fs::path dir = fresh_dir("sweep_heatmap_panels");
  const Ran r = run_sweep(dir, "sweep_heatmap_panels.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const std::string gp = read_text(dir / "heatmap_cycles.gp");
  CHECK(count_of(gp, "\nset title ") == 3);
  CHECK_THAT(gp, Catch::Contains("set multiplot layout 1,3"));
  for (const std::string n : {"128", "256", "384"}) {
    CHECK_THAT(gp, Catch::Contains("set title \"kernel.n=" + n + "\"\n"));
    CHECK_THAT(r.output,
               Catch::Contains("heatmap cycles (kernel.n=" + n + "): kernel.dtype \\ kernel.m\n"));
  }
  // Points 5 (m 128, n 384, fp16) and 10 (m 256, n 384, bf16): panel 2, cells (0, 1), (1, 0).
  const auto csv = lines_of(read_text(dir / "sweep.csv"));
  REQUIRE(csv.size() == 13);
  const auto panel2 = gp.find("$v2 << EOD\n");
  REQUIRE(panel2 != std::string::npos);
  const auto end = gp.find("\nEOD\n", panel2);
  for (const auto& [point, cell] : {std::pair{5, "0 1 "}, std::pair{10, "1 0 "}}) {
    const std::string cycles = cells_of(csv.at(point + 1)).at(3);
    CHECK(gp.find(cell + cycles + " " + cycles + " ", panel2) < end);
  }
  if (ascendsim::cli::find_program("gnuplot"))
    CHECK_THAT(read_text(dir / "heatmap_cycles.svg"), Catch::Contains("<svg"));
}

TEST_CASE("a sweep with fits and a ratio prints them and writes their CSVs and dashed lines") {
  const fs::path dir = fresh_dir("sweep_fits");
  const Ran r = run_sweep(dir, "sweep_fits.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("\nfit kernel.n=128: slope ") &&
                           Catch::Contains(" over kernel.k in [256, 1024] (3 points, R^2 "));
  CHECK_THAT(r.output, Catch::Contains("\nfit kernel.n=256: slope ") &&
                           Catch::Contains(" over kernel.k in [512, 1024] (2 points, R^2 1)\n"));
  CHECK_THAT(r.output,
             Catch::Contains("\nn256_over_n128 = cycles(kernel.n=256) / cycles(kernel.n=128)\n"));
  CHECK_THAT(r.output, Catch::Contains("wrote " + (dir / "sweep.csv").string() + ", " +
                                       (dir / "sweep_fits.csv").string() + ", " +
                                       (dir / "sweep_ratios.csv").string()));
  const auto fits = lines_of(read_text(dir / "sweep_fits.csv"));
  REQUIRE(fits.size() == 3);
  CHECK(fits[0] == "line,from,to,points,slope,intercept,r2");
  CHECK_THAT(fits[1], Catch::StartsWith("kernel.n=128,256,1024,3,"));
  CHECK_THAT(fits[2], Catch::StartsWith("kernel.n=256,512,1024,2,") && Catch::EndsWith(",1.0"));
  // A row per kernel.k: cycles at n = 256 over n = 128, as in sweep.csv (n = 128 first).
  const auto csv = lines_of(read_text(dir / "sweep.csv"));
  REQUIRE(csv.size() == 7);
  const auto ratios = lines_of(read_text(dir / "sweep_ratios.csv"));
  REQUIRE(ratios.size() == 4);
  CHECK(ratios[0] == "name,x,numerator,denominator,ratio");
  for (std::size_t k = 0; k < 3; ++k) {
    const auto n128 = cells_of(csv[1 + k]), n256 = cells_of(csv[4 + k]);
    const auto row = cells_of(ratios[1 + k]);
    REQUIRE(row.size() == 5);
    CHECK(row[0] == "n256_over_n128");
    CHECK(row[1] == n128.at(1));
    CHECK(row[2] == n256.at(2));
    CHECK(row[3] == n128.at(2));
    CHECK(std::stod(row[4]) == Approx(std::stod(n256.at(2)) / std::stod(n128.at(2))));
  }
  const std::string gp = read_text(dir / "sweep.gp");
  CHECK_THAT(gp,
             Catch::Contains("$f1 using 1:2 with lines dashtype 2 linewidth 2 linecolor 2 title "
                             "\"fit kernel.n=256: slope "));
  if (ascendsim::cli::find_program("gnuplot"))
    CHECK_THAT(read_text(dir / "sweep.svg"), Catch::Contains("fit kernel.n=128: slope "));
  const Ran help = run_ascendsim(dir, {"sweep", "--help"});
  CHECK_THAT(help.output, Catch::Contains("`fits`") && Catch::Contains("DIR/sweep_ratios.csv"));
}

TEST_CASE("list names every kernel and config file and a symlinked run by its own name") {
  const fs::path dir = fresh_dir("list");
  const Ran r = run_ascendsim(dir, {"list"});
  CHECK(r.exit_code == 0);
  for (const char* kernel : {"dequant_attention", "dequant_gemm", "msd_attention", "msd_gemm"})
    CHECK_THAT(r.output, Catch::Contains(std::string("  ") + kernel + "\n"));
  // configs/runs/default.yaml is a symlink to amla_decode.yaml: listed as itself, not twice.
  CHECK_THAT(r.output, Catch::Contains("configs/runs/default.yaml -> amla_decode.yaml"));
  CHECK_THAT(r.output, Catch::Contains("configs/sweeps/msd_attention_n.yaml"));
}

TEST_CASE("a sweep's exclude leaves points out: not run, their rows say excluded") {
  const fs::path dir = fresh_dir("sweep_exclude");
  const Ran r = run_sweep(dir, "sweep_exclude.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const auto csv = lines_of(read_text(dir / "sweep.csv"));
  REQUIRE(csv.size() == 5);
  CHECK(cells_of(csv[4]) == std::vector<std::string>{"256", "512", "", "excluded"});
  CHECK(cells_of(csv[3]).back() == "0");
  // Three point folders: the excluded one never ran.
  std::size_t runs = 0;
  for (const auto& entry : fs::directory_iterator(dir / "points")) runs += entry.is_directory();
  CHECK(runs == 3);
}

TEST_CASE("a sweep whose every point is excluded still writes its CSV") {
  const fs::path dir = fresh_dir("sweep_all_excluded");
  const Ran r = run_sweep(dir, "sweep_all_excluded.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const auto csv = lines_of(read_text(dir / "sweep.csv"));
  REQUIRE(csv.size() == 3);
  CHECK(cells_of(csv[1]).back() == "excluded");
}
