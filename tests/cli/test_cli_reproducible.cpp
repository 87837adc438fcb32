// The reproducibility promises of a run: byte-identical report.json for the same input, the
// same cycles with and without data effects, and a dumped trace that re-runs to the same report.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.hpp"

using ascendsim::testing::run_cli;

namespace {

const std::string kRoot = "/tmp/ascendsim_cli_repro/";
// A small GEMM: 256 x 384 x 512 bf16 over 3 x 2 output tiles of 128 x 256 (edge tiles included).
const std::string kRun =
    "run configs/runs/gemm_4096.yaml --quiet --set kernel.m=256 --set kernel.n=384 "
    "--set kernel.k=512";

}  // namespace

TEST_CASE("two runs of the same config write byte-identical report.json") {
  REQUIRE(run_cli(kRun + " --out " + kRoot + "a").exit_code == 0);
  REQUIRE(run_cli(kRun + " --out " + kRoot + "b").exit_code == 0);
  const std::string a = ascendsim::testing::read_text(kRoot + "a/report.json");
  CHECK(!a.empty());
  CHECK(a == ascendsim::testing::read_text(kRoot + "b/report.json"));
}

TEST_CASE("a timing-only run gives exactly the cycles of the functional run") {
  REQUIRE(run_cli(kRun + " --out " + kRoot + "functional").exit_code == 0);
  REQUIRE(run_cli(kRun + " --timing-only --out " + kRoot + "timing").exit_code == 0);
  const auto f = nlohmann::json::parse(ascendsim::testing::read_text(kRoot + "functional/report.json"));
  const auto t = nlohmann::json::parse(ascendsim::testing::read_text(kRoot + "timing/report.json"));
  CHECK(f["check"]["performed"] == true);
  CHECK(t["check"]["performed"] == false);
  CHECK(f["cycles"] == t["cycles"]);
  CHECK(f["pipes"] == t["pipes"]);
  CHECK(f["hbm"] == t["hbm"]);
}

TEST_CASE("a dumped trace re-run on the same hardware gives a byte-identical report") {
  REQUIRE(run_cli(kRun + " --out " + kRoot + "direct").exit_code == 0);
  const std::string dump = kRun.substr(4);  // the run's arguments without the command
  REQUIRE(run_cli("trace dump " + dump.substr(0, dump.find(" --quiet")) +
                  dump.substr(dump.find(" --quiet") + 8) + " -o " + kRoot + "k.trace")
              .exit_code == 0);
  const auto r = run_cli("trace run " + kRoot + "k.trace --hw configs/hw/ascend910b2.yaml --quiet --out " +
                         kRoot + "replayed");
  REQUIRE(r.exit_code == 0);
  const std::string direct = ascendsim::testing::read_text(kRoot + "direct/report.json");
  CHECK(!direct.empty());
  CHECK(direct == ascendsim::testing::read_text(kRoot + "replayed/report.json"));
}
