// write_report_files (CSV headers and rows, file set) and the console summary.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/report/writers.hpp"

namespace report_test {
ascendsim::report::RunSummary test_run();
}  // namespace report_test

using namespace ascendsim;
using report_test::test_run;
namespace fs = std::filesystem;

namespace {

fs::path scratch_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("ascendsim_report_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p;
}

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

// The cell under `column` in the row whose first cell is `key`.
std::string at(const std::vector<std::string>& lines, const std::string& key,
               const std::string& column) {
  const auto header = split(lines.at(0));
  const auto col = std::find(header.begin(), header.end(), column);
  REQUIRE(col != header.end());
  for (const auto& l : lines) {
    auto cells = split(l);
    if (cells.at(0) == key) return cells.at(std::size_t(col - header.begin()));
  }
  FAIL("no row " << key);
  return {};
}

}  // namespace

TEST_CASE("write_report_files writes report.json, four CSVs and trace.json") {
  const fs::path dir = scratch_dir("all") / "nested";
  report::write_report_files(test_run(), dir.string());
  for (const char* f : {"report.json", "PipeUtilization.csv", "Memory.csv",
                        "ArithmeticUtilization.csv", "L2Cache.csv", "trace.json"})
    CHECK(fs::exists(dir / f));
  std::ifstream in(dir / "trace.json");
  const auto trace = report::Json::parse(in);
  CHECK(trace["displayTimeUnit"] == "ns");
  CHECK(trace["traceEvents"].size() > 10);

  auto run = test_run();
  run.timeline.enabled = false;
  const fs::path quiet = scratch_dir("quiet");
  report::write_report_files(run, quiet.string());
  CHECK_FALSE(fs::exists(quiet / "trace.json"));
  fs::remove_all(dir.parent_path());
  fs::remove_all(quiet);
}

TEST_CASE("write_report_files names the path it cannot write") {
  const fs::path file = scratch_dir("blocker");
  std::ofstream(file) << "not a directory";
  CHECK_THROWS_WITH(report::write_report_files(test_run(), (file / "out").string()),
                    Catch::Contains((file / "out").string()));
  fs::remove_all(file);
}

TEST_CASE("PipeUtilization.csv has a row per core with busy time and ratio per pipe") {
  const fs::path dir = scratch_dir("pipe");
  report::write_report_files(test_run(), dir.string());
  const auto lines = lines_of(dir / "PipeUtilization.csv");
  REQUIRE(lines.size() == 7);  // header + 2 AIC + 4 AIV
  CHECK(lines[0].rfind("core,block_id,sub_block_id,total_cycles,time(us),end_cycle,"
                       "aic_cube_time(us),aic_cube_ratio,aiv_vec_time(us),aiv_vec_ratio,",
                       0) == 0);
  CHECK(lines[1].rfind("die0.aic0,0,,1000,1.0,1000,0.6,0.6,,,", 0) == 0);
  CHECK(at(lines, "die0.aiv1", "aiv_vec_ratio") == "0.3");
  CHECK(at(lines, "die0.aiv1", "sub_block_id") == "1");
  CHECK(at(lines, "die0.aiv2", "block_id") == "1");
  CHECK(at(lines, "die0.aic0", "aic_mte1_ratio") == "0.1");
  CHECK(at(lines, "die0.aic0", "aiv_mte3_ratio") == "");  // an AIC has no MTE3
  CHECK(at(lines, "die0.aic0", "stall_queue_full_cycles") == "20");
  CHECK(at(lines, "die0.aiv1", "stall_cross_core_cycles") == "30");
  fs::remove_all(dir);
}

TEST_CASE("Memory.csv gives per-core path bytes and bandwidth and a chip HBM row") {
  const fs::path dir = scratch_dir("mem");
  report::write_report_files(test_run(), dir.string());
  const auto lines = lines_of(dir / "Memory.csv");
  REQUIRE(lines.size() == 8);  // header + 6 cores + chip
  CHECK(at(lines, "die0.aic0", "gm_to_l1_bytes") == "200000");
  CHECK(at(lines, "die0.aic0", "gm_to_l1_bw(GB/s)") == "200.0");  // 200 kB in 1 us
  CHECK(at(lines, "die0.aic0", "l0c_to_gm_l1_bytes") == "40000");
  CHECK(at(lines, "die0.aic0", "gm_to_ub_bytes") == "");
  CHECK(at(lines, "die0.aiv0", "gm_to_ub_bytes") == "10000");
  CHECK(at(lines, "die0.aiv0", "ub_to_gm_bw(GB/s)") == "5.0");
  CHECK(at(lines, "chip", "hbm_read_bytes") == "30000");
  CHECK(at(lines, "chip", "hbm_write_bw(GB/s)") == "20.0");
  CHECK(at(lines, "chip", "hbm_bw_utilization") == "0.5");
  CHECK(at(lines, "chip", "mte2_instructions") == "6");
  fs::remove_all(dir);
}

TEST_CASE("ArithmeticUtilization.csv splits cube flops by dtype and vector elements by dtype") {
  const fs::path dir = scratch_dir("arith");
  report::write_report_files(test_run(), dir.string());
  const auto lines = lines_of(dir / "ArithmeticUtilization.csv");
  CHECK(lines[0] ==
        "core,block_id,sub_block_id,aic_cube_ratio,aic_cube_fops,aic_cube_bf16_fops,"
        "aic_cube_instructions,aiv_vec_ratio,aiv_vec_elements,aiv_vec_fp32_elements,"
        "aiv_vec_fp16_elements,aiv_vec_repeats,aiv_vec_instructions");
  CHECK(at(lines, "die0.aic1", "aic_cube_ratio") == "0.5");  // 4.096e6 / (1000 x 8192)
  CHECK(at(lines, "die0.aic1", "aic_cube_bf16_fops") == "4096000");
  CHECK(at(lines, "die0.aic1", "aiv_vec_ratio") == "");
  CHECK(at(lines, "die0.aiv0", "aiv_vec_fp32_elements") == "4096");
  CHECK(at(lines, "die0.aiv0", "aiv_vec_repeats") == "64");
  fs::remove_all(dir);
}

TEST_CASE("L2Cache.csv has a row per die with hits, misses and hit rates") {
  const fs::path dir = scratch_dir("l2");
  report::write_report_files(test_run(), dir.string());
  const auto lines = lines_of(dir / "L2Cache.csv");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "die,read_hits,read_misses,write_hits,write_misses,read_hit_rate,"
        "write_hit_rate,hit_rate,writebacks");
  CHECK(lines[1] == "die0,30,10,6,4,0.75,0.6,0.72,3");
  fs::remove_all(dir);
}

TEST_CASE("the console summary shows the headline figures, model error and check result") {
  std::ostringstream out;
  report::print_console_summary(test_run(), out);
  const std::string s = out.str();
  CHECK_THAT(s, Catch::Contains("gemm on test_chip"));
  CHECK_THAT(s, Catch::Contains("cycles     1000"));
  CHECK_THAT(s, Catch::Contains("8.192 TFLOPS"));
  CHECK_THAT(s, Catch::Contains("cube 50.0 %"));
  CHECK_THAT(s, Catch::Contains("vector 25.0 %"));
  CHECK_THAT(s, Catch::Contains("50.0 GB/s = 50.0 % of peak"));
  CHECK_THAT(s, Catch::Contains("hit rate 72.0 %"));
  CHECK_THAT(s, Catch::Contains("aic.m flag_mte1 100"));
  CHECK_THAT(s, Catch::Contains("(sim +25.0 %)"));
  CHECK_THAT(s, Catch::Contains("bound: compute"));
  CHECK_THAT(s, Catch::Contains("PASS  max_abs_error=0.001"));
  CHECK_THAT(s, Catch::Contains("overflow in vexp (fp16)"));

  auto run = test_run();
  run.check =
      report::Json{{"performed", true}, {"passed", false}, {"errors", {"out[3,4] = 7 vs 9"}}};
  std::ostringstream fail;
  report::print_console_summary(run, fail);
  CHECK_THAT(fail.str(), Catch::Contains("FAIL"));
  CHECK_THAT(fail.str(), Catch::Contains("- errors: out[3,4] = 7 vs 9"));
}
