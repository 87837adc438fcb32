// `ascendsim check` with `kernel_check: fail`: goldens of runs whose numerical check must fail
// (the overflow cases of tests/regression/), each run its own process.
#include <catch2/catch.hpp>

#include "cli_runner.hpp"

using ascendsim::testing::run_cli;

TEST_CASE("a golden expecting a failed check exits 1 when the kernel's check passes") {
  const auto r = run_cli(
      "check tests/data/cli/golden_expect_fail.yaml --out "
      "/tmp/ascendsim_cli_golden/expect_fail");
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("1 of 1 fields match; the kernel's numerical check "
                                       "passed, but the golden expects it to fail"));
}

TEST_CASE("a golden expecting a failed check exits 0 when it fails and every field matches") {
  // pasa_o_overflow.yaml: pasa's fp16 O accumulator overflows, every output is non-finite.
  const auto r = run_cli(
      "check tests/data/cli/golden_o_overflow.yaml --out /tmp/ascendsim_cli_golden/o_overflow");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("the kernel's numerical check failed, as the golden "
                                       "expects (kernel_check: fail)"));
}

TEST_CASE("kernel_check: fail with a timing-only golden is an error at its line") {
  const auto r = run_cli(
      "check tests/data/cli/golden_fail_timing.yaml --out /tmp/ascendsim_cli_golden/timing");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("golden_fail_timing.yaml:5:17: golden.kernel_check"));
  CHECK_THAT(r.output,
             Catch::Contains("a timing-only run performs no numerical check that could fail"));
}
