// Reading the gemm parameters from a run file's `kernel:` node, the hardware-dependent checks
// of plan_gemm, and the kernel registry. Errors must name file, line and key.
#include <catch2/catch.hpp>

#include "kernels/common/kernel.hpp"
#include "kernels/gemm/gemm_plan.hpp"

namespace gemm_test {
using namespace ascendsim;
config::HardwareConfig chip_910b2(std::uint32_t dies = 1);
kernels::GemmParams params_from_yaml(const std::string& yaml);
}  // namespace gemm_test

using namespace ascendsim;
using Catch::Matchers::Contains;
using gemm_test::chip_910b2;
using gemm_test::params_from_yaml;
using numeric::DType;

TEST_CASE(
    "gemm parameters default to bf16, fp32 out, a 128x256 tile, seed 1, normal(0, 1), all cores") {
  const kernels::GemmParams p = params_from_yaml("kernel: {name: gemm, m: 100, n: 200, k: 300}\n");
  CHECK(p.m == 100);
  CHECK(p.n == 200);
  CHECK(p.k == 300);
  CHECK(p.dtype == DType::bf16);
  CHECK(p.out_dtype == DType::fp32);
  CHECK(p.tile.m == 128);
  CHECK(p.tile.n == 256);
  CHECK(p.tile.k == 64);
  CHECK(p.tile.l1_k == 256);
  CHECK(p.seed == 1);
  CHECK(p.distribution == isa::TensorInit::Kind::normal);
  CHECK(p.dist_a == 0.0);
  CHECK(p.dist_b == 1.0);
  CHECK(p.cores == 0);
  const kernels::Json j = kernels::gemm_params_json(p);
  CHECK(j["cores"] == "all");
  CHECK(j["distribution"]["kind"] == "normal");
}

TEST_CASE("int8 gemm defaults to int32 output and reads a uniform distribution with its bounds") {
  const kernels::GemmParams p = params_from_yaml(
      "kernel:\n  name: gemm\n  m: 64\n  n: 64\n  k: 64\n  dtype: int8\n"
      "  distribution: {kind: uniform, low: -128, high: 128}\n  seed: 7\n  cores: 3\n");
  CHECK(p.dtype == DType::int8);
  CHECK(p.out_dtype == DType::int32);
  CHECK(p.distribution == isa::TensorInit::Kind::uniform);
  CHECK(p.dist_a == -128.0);
  CHECK(p.dist_b == 128.0);
  CHECK(p.seed == 7);
  CHECK(p.cores == 3);
}

TEST_CASE("a tile size that is not whole fractals is an error naming file, line and key") {
  CHECK_THROWS_WITH(
      params_from_yaml("kernel:\n  name: gemm\n  m: 64\n  n: 64\n  k: 64\n"
                       "  tile: {m: 100}\n"),
      Contains("run.yaml:6:") && Contains("kernel.tile.m") && Contains("multiple of 16"));
  // int8: a 32-byte fractal row is 32 elements, so tile.k = 16 is half a fractal.
  CHECK_THROWS_WITH(params_from_yaml("kernel:\n  name: gemm\n  m: 64\n  n: 64\n  k: 64\n"
                                     "  dtype: int8\n  tile: {k: 16}\n"),
                    Contains("kernel.tile.k") && Contains("multiple of 32"));
  CHECK_THROWS_WITH(params_from_yaml("kernel:\n  name: gemm\n  m: 64\n  n: 64\n  k: 64\n"
                                     "  tile: {k: 64, l1_k: 96}\n"),
                    Contains("kernel.tile.l1_k") && Contains("multiple of 64"));
}

TEST_CASE("an output dtype the inputs cannot produce is an error listing the choices") {
  CHECK_THROWS_WITH(params_from_yaml("kernel: {name: gemm, m: 1, n: 1, k: 1, dtype: int8, "
                                     "out_dtype: fp32}\n"),
                    Contains("kernel.out_dtype") && Contains("int32"));
  CHECK_THROWS_WITH(params_from_yaml("kernel: {name: gemm, m: 1, n: 1, k: 1, dtype: fp32}\n"),
                    Contains("kernel.dtype") && Contains("fp8_e4m3"));
}

TEST_CASE("an unknown gemm parameter is reported by finish with a did-you-mean") {
  CHECK_THROWS_WITH(params_from_yaml("kernel: {name: gemm, m: 1, n: 1, k: 1, sed: 3}\n"),
                    Contains("kernel.sed") && Contains("seed"));
}

TEST_CASE("fp8_e4m3 on a chip whose cube does not take it is an error naming kernel.dtype") {
  const kernels::GemmParams p =
      params_from_yaml("kernel: {name: gemm, m: 64, n: 64, k: 64, dtype: fp8_e4m3}\n");
  CHECK_THROWS_WITH(kernels::plan_gemm(p, chip_910b2()),
                    Contains("run.yaml:1:") && Contains("kernel.dtype") &&
                        Contains("test-910b2 does not take fp8_e4m3") && Contains("bf16"));
}

TEST_CASE("a 256x128 bf16 L0A tile fills all 64 KiB of L0A, so its ping-pong twin does not fit") {
  // 256 x 128 x 2 B = 65536 B: the first L0A buffer takes all of L0A, the second finds 0 left.
  const kernels::GemmParams p = params_from_yaml(
      "kernel:\n  name: gemm\n  m: 512\n  n: 512\n  k: 512\n"
      "  tile: {m: 256, n: 64, k: 128, l1_k: 128}\n");
  CHECK_THROWS_WITH(kernels::plan_gemm(p, chip_910b2()),
                    Contains("run.yaml:6:") && Contains("kernel.tile") &&
                        Contains("L0A tile 2 of 2 (tile.m x tile.k = 256x128 bf16)") &&
                        Contains("needs 65536 bytes of l0a, only 0 of 65536 left"));
}

TEST_CASE("L1 chunks that do not fit twice in L1 are an error naming tile.l1_k") {
  // A 128x1024 + B 1024x256 bf16 = 256 KiB + 512 KiB: B alone exceeds the 512 KiB L1.
  const kernels::GemmParams p = params_from_yaml(
      "kernel:\n  name: gemm\n  m: 512\n  n: 512\n  k: 2048\n  tile: {l1_k: 1024}\n");
  CHECK_THROWS_WITH(kernels::plan_gemm(p, chip_910b2()),
                    Contains("kernel.tile") && Contains("tile.l1_k x tile.n = 1024x256 bf16") &&
                        Contains("of l1"));
}

TEST_CASE("more cores than the chip has is an error naming kernel.cores") {
  const kernels::GemmParams p =
      params_from_yaml("kernel: {name: gemm, m: 64, n: 64, k: 64, cores: 25}\n");
  CHECK_THROWS_WITH(kernels::plan_gemm(p, chip_910b2()),
                    Contains("kernel.cores") && Contains("at most 24"));
}

TEST_CASE(
    "the kernel registry creates gemm by name and rejects unknown names listing the known ones") {
  // Every entry of kernels/common/registry.cpp, sorted by name.
  CHECK(kernels::kernel_names() ==
        std::vector<std::string>{"amla", "dequant_attention", "dequant_gemm", "fa_fp16", "fa_mixed",
                                 "fa_preload", "fa_serial", "finom", "gemm", "msd_attention",
                                 "msd_gemm", "pasa", "sinkhorn_dense"});
  const auto root = config::ConfigNode::from_string(
      "kernel: {name: gemm, m: 32, n: 32, k: 32, dtype: fp16}\n", "run.yaml");
  const auto kernel = kernels::create_kernel(root.child("kernel"));
  root.finish();
  CHECK(kernel->name() == "gemm");
  CHECK(kernel->params()["dtype"] == "fp16");
  const auto bad = config::ConfigNode::from_string("kernel: {name: gem}\n", "run.yaml");
  CHECK_THROWS_WITH(kernels::create_kernel(bad.child("kernel")),
                    Contains("kernel.name") && Contains("gemm"));
}
