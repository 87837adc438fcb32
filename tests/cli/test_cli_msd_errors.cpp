// Bad parameters of the quantized linear kernels (`msd_gemm`, `dequant_gemm`,
// kernels/msd/linear_params.hpp) end with exit code 2 and a message naming the run file, line,
// column and key, before any simulation. Each case runs the built binary on a file of
// tests/data/errors/msd/ (each the small run, 8 tokens x n 512 -> m 256 int8 on 2 AICs of a
// 910B2, with one fault).
#include <catch2/catch.hpp>

#include "cli_runner.hpp"

using ascendsim::testing::CliResult;
using ascendsim::testing::run_cli;

namespace {

const std::string kDir = "tests/data/errors/msd/";

CliResult run_bad(const std::string& file) {
  return run_cli("run " + kDir + file + " --out /tmp/ascendsim_cli_msd_errors/" + file);
}

// Runs `file` and expects exit 2 with "<kDir><file>:<located>" in the output and no report.
void check_error(const std::string& file, const std::string& located) {
  INFO(file);
  const CliResult r = run_bad(file);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains(kDir + file + ":" + located));
  CHECK_THAT(r.output, !Catch::Contains("report:"));
}

}  // namespace

TEST_CASE("an msd_gemm n that is not a multiple of 256 exits 2 naming the K chunk", "[msd]") {
  // 384 = 256 + 128.
  check_error("n_not_multiple_of_256.yaml",
              "6:6: kernel.n: expected a multiple of 256 (the K chunk of one hand-off), "
              "got \"384\"");
}

TEST_CASE("an msd_gemm m that is not a multiple of 128 exits 2 naming the output tile", "[msd]") {
  check_error("m_not_multiple_of_128.yaml",
              "7:6: kernel.m: expected a multiple of 128 (the output tile, rows of W per AIC "
              "step), got \"200\"");
}

TEST_CASE("an msd_gemm weight of int2 exits 2 listing the weight types", "[msd]") {
  check_error("weight_int2.yaml",
              "8:11: kernel.weight: expected one of int8, int4, mxfp4, mxfp4_e1m2, got \"int2\"");
}

TEST_CASE("an msd_gemm group of 48 exits 2 listing the allowed groups", "[msd]") {
  check_error("group_48.yaml",
              "9:10: kernel.group: expected 0 (per output channel), 32, 64, 128 or 256, "
              "got \"48\"");
}

TEST_CASE("msd_gemm with int4 weights in groups of 32 exits 2 naming the int4 K step of 64",
          "[msd]") {
  // The int4 mmad takes 16 x 64 x 16 fractals: a group of 32 would split one between two scales.
  check_error("int4_group_32.yaml",
              "9:10: kernel.group: expected a group of 64 or more for msd_gemm with int4 weights "
              "(an int4 mmad's K step is 64 elements; one group's partial needs whole steps), "
              "got \"32\"");
}

TEST_CASE("msd_gemm passes of 5 exit 2 with the range 1-4", "[msd]") {
  check_error("passes_5.yaml",
              "10:11: kernel.passes: expected an unsigned integer in [1, 4], got \"5\"");
}

TEST_CASE("passes on dequant_gemm is an unknown key (msd_gemm alone reads it) and exits 2",
          "[msd]") {
  // Only msd_gemm splits X into pieces (linear_params.cpp reads passes for it alone).
  check_error("dequant_passes.yaml", "10:3: kernel.passes: unknown key");
}

TEST_CASE("an msd_gemm x from a student_t of dof 0 exits 2 naming kernel.x's line", "[msd]") {
  check_error("x_student_t_dof_0.yaml",
              "10:6: kernel.x: student_t dof must be an integer in [1, 100], got 0");
}

TEST_CASE("an msd_gemm x npy path that does not exist exits 2 naming kernel.x.path", "[msd]") {
  check_error("x_npy_missing.yaml",
              "10:24: kernel.x.path: expected an existing .npy file (relative paths start at "
              "the run file's directory), got \"missing.npy\"");
}

TEST_CASE("an msd_gemm scale with low above high exits 2 naming both values", "[msd]") {
  check_error("scale_low_above_high.yaml",
              "11:10: kernel.scale: expected scales with 0 < low < high (defaults 0.01, 1), "
              "got low 1, high 0.5");
}

TEST_CASE("msd_gemm cores beyond the 910B2's 24 AICs exit 2 naming kernel.cores' line", "[msd]") {
  // Checked against the chip when the kernel is planned (linear_plan.cpp), not when read.
  check_error("cores_99.yaml",
              "12:10: kernel.cores: expected at most 24 AICs (ascend910b2 has 1 x 24), got 99");
}

TEST_CASE("an msd_gemm x .npy of the wrong shape exits 2 naming kernel.x.path and both shapes",
          "[msd]") {
  // x_4x512.npy holds 4 x 512 <f4 values; tokens 8 x n 512 are needed. The shape is checked
  // when the data is read (a functional run).
  check_error("x_wrong_shape.yaml", "10:24: kernel.x.path: " + kDir +
                                        "x_4x512.npy: shape (4, 512) does not match the bf16 "
                                        "tensor's (8, 512)");
}

TEST_CASE("msd_gemm's group that the chip's cube K step does not divide exits 2", "[msd]") {
  // With an int8 k0 of 64 (a chip override), int8 groups of 32 split a K step: linear_plan.cpp.
  const CliResult r = run_cli("run " + kDir +
                              "group_48.yaml --set kernel.group=32 --set chip.aic.cube.k0.int8=64"
                              " --out /tmp/ascendsim_cli_msd_errors/k0_64");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("kernel.group: a group of 32 is not a whole number of the "
                                       "cube's K steps (k0 = 64)"));
}

TEST_CASE("MXFP4 weights on a 910B2 exit 2 naming the chip's missing fp4 cube", "[msd][mx]") {
  check_error("mxfp4_on_910b2.yaml",
              "8:11: kernel.weight: the cube of this chip does not take fp4_e1m2 inputs (MX "
              "weights need a cube with MX fp4 / fp8 rates, e.g. configs/hw/ascend950pr.yaml)");
}

TEST_CASE("MXFP4 weights with a group of 64 exit 2: the MX block is 32", "[msd][mx]") {
  check_error("mxfp4_group_64.yaml",
              "10:10: kernel.group: expected 32 (an MX weight's block) or no group at all, "
              "got \"64\"");
}

TEST_CASE("an fp4 piece grid with int8 weights exits 2 saying where `piece` applies", "[msd][mx]") {
  check_error("piece_int8.yaml",
              "9:10: kernel.piece: `piece` is the fp4 grid of msd_gemm's passes with MX weights "
              "(weight: mxfp4 or mxfp4_e1m2); remove it here");
}
