// The gemm kernel on the simulated chip. Each test case simulates once (SystemC elaborates one
// design per process; ctest runs every case as its own process, by hand: ./sc_tests "<name>").
//
// Numerics: the result in simulated GM passes the fp64 check (gemm_check.hpp) for every input
// type. Timing: the simulated cycles are within 5 % of the closed-form model for the two
// acceptance shapes, and the model names the right bound.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "kernels/common/kernel.hpp"
#include "models/chip/simulate.hpp"
#include "sim/cli/run_config.hpp"
#include "sim/config/load_hardware.hpp"

using namespace ascendsim;

namespace {

const std::string kRoot = ASCENDSIM_SOURCE_DIR;

struct Outcome {
  double cycles = 0;
  std::uint64_t die_link_bytes = 0;  // moved by cores for tensors of another die
  kernels::CheckResult check;
  kernels::ModelPrediction model;
};

Outcome run(const config::HardwareConfig& hw, const std::string& kernel_yaml, bool functional) {
  const auto root = config::ConfigNode::from_string("kernel: " + kernel_yaml, "test");
  auto kernel = kernels::create_kernel(root.child("kernel"));
  root.finish();
  isa::Program program = kernel->build(hw, functional);
  models::SimOptions options;
  options.functional = functional;
  Outcome o;
  const models::SimResult sim = models::simulate(program, hw, options);
  o.cycles = double(sim.stats.cycles);
  for (const report::MemoryStats& die : sim.stats.dies) o.die_link_bytes += die.die_link_bytes;
  o.check = kernel->check(program);
  o.model = kernel->analytic(hw);
  return o;
}

// A run file as `ascendsim run` reads it (hardware path relative to the file), timing only.
Outcome run_file(const std::string& path) {
  cli::RunConfig rc = cli::load_run_config(kRoot + "/" + path, {});
  auto kernel = kernels::create_kernel(rc.run.child("kernel"));
  rc.run.finish();
  isa::Program program = kernel->build(rc.hw, /*functional=*/false);
  models::SimOptions options;
  options.functional = false;
  Outcome o;
  o.cycles = double(models::simulate(program, rc.hw, options).stats.cycles);
  o.model = kernel->analytic(rc.hw);
  return o;
}

config::HardwareConfig hw_file(const std::string& name) {
  return config::load_hardware_file(kRoot + "/configs/hw/" + name + ".yaml");
}

void expect_passed(const kernels::CheckResult& c) {
  INFO("check extra: " << c.extra.dump());
  CHECK(c.performed);
  CHECK(c.passed);
  CHECK(c.compared > 0);
}

double relative_error(const Outcome& o) { return std::fabs(o.model.cycles - o.cycles) / o.cycles; }

// Edge tiles in M, N and K (300 -> 304 rows = 4 x 64 + 48, 500 -> 512 cols = 3 x 128 + 128,
// 700 -> 704 deep = 5 x 128 + 64) with several L1 chunks per tile, on every AIC.
const std::string kEdgeShape = "m: 300, n: 500, k: 700, tile: {m: 64, n: 128, k: 32, l1_k: 128}";

}  // namespace

TEST_CASE("a bf16 GEMM with edge tiles and several K chunks on a 910B2 passes its fp64 check") {
  const Outcome o =
      run(hw_file("ascend910b2"), "{name: gemm, dtype: bf16, " + kEdgeShape + "}", true);
  expect_passed(o.check);
  CHECK(o.check.extra["sampled"] == true);  // 300 rows > 256 compared rows
}

TEST_CASE(
    "an fp16 GEMM with fp16 output on a 910B2 passes its check with the output rounding in the "
    "bound") {
  const Outcome o = run(hw_file("ascend910b2"),
                        "{name: gemm, dtype: fp16, out_dtype: fp16, " + kEdgeShape + "}", true);
  expect_passed(o.check);
}

TEST_CASE("an int8 GEMM with int32 output on a 910B2 is exact") {
  // Uniform over [-128, 128): products up to 2^14, sums over k = 700 well inside int32.
  const Outcome o =
      run(hw_file("ascend910b2"),
          "{name: gemm, dtype: int8, distribution: {kind: uniform, low: -128, high: 128}, "
          "m: 300, n: 500, k: 700, tile: {m: 64, n: 128, k: 64, l1_k: 128}}",
          true);
  expect_passed(o.check);
  CHECK(o.check.max_abs_error == 0.0);
}

TEST_CASE("an fp8_e4m3 GEMM on a 950PR passes its fp64 check") {
  const Outcome o =
      run(hw_file("ascend950pr"), "{name: gemm, dtype: fp8_e4m3, " + kEdgeShape + "}", true);
  expect_passed(o.check);
}

TEST_CASE(
    "a bf16 GEMM on both dies of a 910C passes its check with die 1 reading die 0 over the link") {
  // 300 x 1000 -> 5 x 8 = 40 tiles of 64 x 128 on 48 cores: cores 24-39 are on die 1 and reach
  // A, B and C in die 0's GM over the link.
  const Outcome o = run(hw_file("ascend910c"),
                        "{name: gemm, dtype: bf16, m: 300, n: 1000, k: 700, "
                        "tile: {m: 64, n: 128, k: 32, l1_k: 128}}",
                        true);
  expect_passed(o.check);
  CHECK(o.die_link_bytes > 0);
}

TEST_CASE(
    "the default run (4096^3 bf16 on a 910B2) is cube-bound and within 5 % of the model") {
  const Outcome o = run_file("configs/runs/gemm_4096.yaml");
  INFO("simulated " << o.cycles << ", model " << o.model.cycles << " " << o.model.detail.dump());
  CHECK(o.model.bound == "cube");
  CHECK(relative_error(o) < 0.05);
  // Cube utilization: 2 x 4096^3 flop / (24 AIC x 8192 flop/cycle) = 698,900 cycles of work.
  // The busiest core has 22 tiles where the average is 21.33 (0.97); a tile's 64 mmads of
  // 128x256x64 take 512 fractal steps each plus the calibrated per-mmad startup of 56
  // (configs/hw/ascend910b2.yaml), so 512 / 568 = 0.90 of the cube's time is work; the single
  // 128 KiB L0C exposes each tile's FixPipe (1,579 of ~37,900 cycles) and the first tile waits
  // for a B column panel fetched at the core's own 32 B/cycle HBM rate: about 79 %.
  CHECK(2.0 * 4096 * 4096 * 4096 / (24 * 8192.0) / o.cycles > 0.75);
}

TEST_CASE(
    "the GEMV run (16x6144x8192 bf16 on a 910B2) is bound by the cores' HBM read rate and within "
    "5 % of the model") {
  const Outcome o = run_file("configs/runs/gemm_gemv.yaml");
  INFO("simulated " << o.cycles << ", model " << o.model.cycles << " " << o.model.detail.dump());
  CHECK(o.model.bound == "port_hbm_read");
  CHECK(relative_error(o) < 0.05);
  // HBM busy for the unique bytes (A 256 KiB + B 96 MiB at 888.9 B/cycle) most of the run.
  CHECK(o.model.detail["hbm_cycles"].get<double>() / o.cycles > 0.7);
}

TEST_CASE(
    "4096^3 bf16 on both dies of a 910C is bound by the die link and within 5 % of the model") {
  const Outcome o = run(hw_file("ascend910c"), "{name: gemm, m: 4096, n: 4096, k: 4096}", false);
  INFO("simulated " << o.cycles << ", model " << o.model.cycles << " " << o.model.detail.dump());
  CHECK(o.model.bound == "die_link");
  CHECK(relative_error(o) < 0.05);
}
