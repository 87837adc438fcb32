// Bad input and broken programs end with a precise message and the documented exit code
// (2 bad input, 3 simulation error), never a crash or a hang. Each case runs the built binary
// as a user would.
#include <catch2/catch.hpp>

#include "cli_runner.hpp"

using ascendsim::testing::run_cli;

namespace {
const std::string kHw = "--hw configs/hw/ascend910b2.yaml";
std::string out_dir(const std::string& name) { return " --out /tmp/ascendsim_cli_errors/" + name; }
}  // namespace

TEST_CASE("a deadlocked trace exits 3 and names every blocked pipe and its flag") {
  const auto r = run_cli("trace run traces/deadlock.trace " + kHw + out_dir("deadlock"));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.output, Catch::Contains("deadlock at cycle"));
  CHECK_THAT(r.output, Catch::Contains(
                           "die0.aiv0.v at instruction 2 (wait_flag): waiting for flag mte2->v event 1"));
  CHECK_THAT(r.output, Catch::Contains(
                           "die0.aiv0.mte3 at instruction 5 (wait_flag): waiting for flag v->mte3 event 0"));
}

TEST_CASE("an out-of-bounds tile exits 3 naming the core, the instruction and the byte range") {
  const auto r =
      run_cli("trace run tests/data/errors/out_of_bounds.trace " + kHw + out_dir("oob"));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.output, Catch::Contains("die0.aiv0 instruction 3 (vadd): dst bytes [0x2fc00, "
                                       "0x30400) exceed the ub capacity of 196608 bytes"));
}

TEST_CASE("a misspelt run key exits 2 with its file, line and a suggestion") {
  const auto r = run_cli("run tests/data/errors/misspelt_key.yaml" + out_dir("misspelt"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("tests/data/errors/misspelt_key.yaml:8:1: timing_onyl: "
                                       "unknown key (did you mean 'timing_only'?)"));
}

TEST_CASE("a misspelt hardware key given with --set exits 2 with a suggestion") {
  const auto r = run_cli("run configs/runs/gemm_4096.yaml --set chip.aic.cube.startup_cyles=3" +
                         out_dir("misspelt_set"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("chip.aic.cube.startup_cyles: unknown key (did you mean "
                                       "'startup_cycles'?)"));
}

TEST_CASE("a value of the wrong type exits 2 naming its file, line, key and value") {
  const auto r = run_cli("run tests/data/errors/wrong_type.yaml" + out_dir("wrong_type"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("tests/data/errors/wrong_type.yaml:5:6: kernel.m: expected "
                                       "an unsigned integer"));
  CHECK_THAT(r.output, Catch::Contains("got \"sixty-four\""));
}

TEST_CASE("a tile too large for L0A exits 2 naming the tile parameters and the buffer") {
  const auto r = run_cli(
      "run configs/runs/gemm_4096.yaml --timing-only --set kernel.m=256 --set kernel.n=256 "
      "--set kernel.k=256 --set kernel.tile.m=256 --set kernel.tile.k=256" +
      out_dir("l0a"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("kernel.tile: L0A tile"));
  // 256 x 256 bf16 = 131072 bytes against the 910B2's 64 KiB L0A.
  CHECK_THAT(r.output, Catch::Contains("needs 131072 bytes of l0a, only 65536 of 65536 left"));
}

TEST_CASE("a run file that does not exist exits 2 naming it") {
  const auto r = run_cli("run configs/runs/no_such_run.yaml" + out_dir("missing"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("configs/runs/no_such_run.yaml"));
}

TEST_CASE("an unknown command or option exits 2 and points at --help") {
  CHECK(run_cli("frobnicate").exit_code == 2);
  const auto r = run_cli("run configs/runs/gemm_4096.yaml --no-such-flag");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("--help"));
}

TEST_CASE("every command answers --help with exit 0") {
  for (const char* cmd : {"--help", "run --help", "trace --help", "trace dump --help",
                          "trace run --help", "list --help", "check --help", "compare --help",
                          "sweep --help"}) {
    INFO(cmd);
    const auto r = run_cli(cmd);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("usage"));
  }
}

TEST_CASE("a trace shape whose byte count would overflow exits 2 naming its line") {
  const auto r =
      run_cli("trace run tests/data/errors/shape_overflow.trace " + kHw + out_dir("overflow"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("shape_overflow.trace:3: bad shape"));
}

TEST_CASE("a trace generator with a bad parameter exits 2 naming its line") {
  const auto r =
      run_cli("trace run tests/data/errors/bad_generator.trace " + kHw + out_dir("generator"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("bad_generator.trace:3: laplace scale must be > 0, got 0"));
}

TEST_CASE("a functional run larger than the host's memory exits 2 before allocating") {
  const auto r =
      run_cli("trace run tests/data/errors/too_big_for_host.trace " + kHw + out_dir("host"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("needs 4000000000000 bytes of tensor data, more than "
                                       "this host's"));
  CHECK_THAT(r.output, Catch::Contains("use --timing-only"));
}

TEST_CASE("YAML aliases are refused at once instead of being expanded") {
  const auto r = run_cli("run tests/data/errors/alias_bomb.yaml --timing-only" + out_dir("alias"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("alias_bomb.yaml:5:5: a1[0]: YAML aliases (*name) are not "
                                       "supported in configs"));
}

TEST_CASE("a sweep heatmap whose y is its x exits 2 naming the sweep file and line") {
  const auto r =
      run_cli("sweep tests/data/cli/sweep_heatmap_same_axis.yaml" + out_dir("heatmap_same_axis"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("tests/data/cli/sweep_heatmap_same_axis.yaml:9:"));
  CHECK_THAT(r.output, Catch::Contains("sweep.heatmaps[0].y: expected an axis other than x "
                                       "(kernel.m), got \"kernel.m\""));
}

TEST_CASE("a sweep heatmap over an axis the sweep lacks exits 2 naming the sweep file and line") {
  const auto r = run_cli("sweep tests/data/cli/sweep_heatmap_unknown_axis.yaml" +
                         out_dir("heatmap_unknown_axis"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("tests/data/cli/sweep_heatmap_unknown_axis.yaml:10:"));
  CHECK_THAT(r.output, Catch::Contains("sweep.heatmaps[0].y: expected one of"));
  CHECK_THAT(r.output, Catch::Contains("got \"kernel.n\""));
}

TEST_CASE(
    "a sweep heatmap of a field that is not a figure exits 2 naming the sweep file and line") {
  const auto r = run_cli("sweep tests/data/cli/sweep_heatmap_unknown_value.yaml" +
                         out_dir("heatmap_unknown_value"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("tests/data/cli/sweep_heatmap_unknown_value.yaml:10:"));
  CHECK_THAT(r.output, Catch::Contains("sweep.heatmaps[1].value: expected one of"));
  CHECK_THAT(r.output, Catch::Contains("got \"cube_utilization\""));
}
