// The shared fp64 reference helpers and the gemm check, fed with results computed on the host
// (no simulation): a correct fp32-accumulated result passes, a wrong element fails and is
// reported, int8 must be exact, timing-only programs are not checked.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "kernels/common/reference.hpp"
#include "kernels/gemm/gemm_check.hpp"
#include "kernels/gemm/gemm_kernel.hpp"
#include "sim/numeric/convert.hpp"

namespace gemm_test {
using namespace ascendsim;
config::HardwareConfig chip_910b2(std::uint32_t dies = 1);
kernels::GemmParams params(std::uint64_t m, std::uint64_t n, std::uint64_t k, numeric::DType t);
}  // namespace gemm_test

using namespace ascendsim;
using gemm_test::chip_910b2;
using gemm_test::params;
using numeric::DType;

namespace {

// What the chip computes: fp32 (or int32) accumulation over the padded K, then the FixPipe cast.
void host_gemm(isa::Program& program) {
  isa::TensorDecl &a = *const_cast<isa::TensorDecl*>(program.find_tensor("a")),
                  &b = *const_cast<isa::TensorDecl*>(program.find_tensor("b")),
                  &c = *const_cast<isa::TensorDecl*>(program.find_tensor("c"));
  const std::uint64_t m = a.shape[0], k = a.shape[1], n = b.shape[1];
  for (std::uint64_t i = 0; i < m; ++i)
    for (std::uint64_t j = 0; j < n; ++j) {
      float acc = 0;
      std::int64_t iacc = 0;
      for (std::uint64_t p = 0; p < k; ++p) {
        const double x = numeric::load_element(a.dtype, a.data.data(), i * k + p);
        const double y = numeric::load_element(b.dtype, b.data.data(), p * n + j);
        acc += float(x) * float(y);
        iacc += std::int64_t(x) * std::int64_t(y);
      }
      const double value = numeric::is_float(a.dtype) ? double(acc) : double(iacc);
      numeric::store_element(c.dtype, c.data.data(), i * n + j, value);
    }
}

isa::Program computed(const kernels::GemmParams& p) {
  kernels::GemmKernel kernel(p);
  isa::Program program = kernel.build(chip_910b2(), true);
  host_gemm(program);
  return program;
}

}  // namespace

TEST_CASE("unit roundoffs and smallest values come from the formats' bit patterns") {
  CHECK(kernels::unit_roundoff(DType::fp32) == std::ldexp(1.0, -24));
  CHECK(kernels::unit_roundoff(DType::fp16) == std::ldexp(1.0, -11));
  CHECK(kernels::unit_roundoff(DType::bf16) == std::ldexp(1.0, -8));
  CHECK(kernels::unit_roundoff(DType::fp8_e4m3) == std::ldexp(1.0, -4));
  CHECK(kernels::unit_roundoff(DType::int32) == 0.0);
  CHECK(kernels::smallest_positive(DType::fp32) == std::ldexp(1.0, -149));
  CHECK(kernels::smallest_positive(DType::fp16) == std::ldexp(1.0, -24));
  CHECK(kernels::smallest_positive(DType::bf16) == std::ldexp(1.0, -133));
  // gamma_n = n u / (1 - n u): n = 4096, u = 2^-24 gives 2^-12 / (1 - 2^-12).
  CHECK(kernels::gamma_n(4096, std::ldexp(1.0, -24)) ==
        std::ldexp(1.0, -12) / (1 - std::ldexp(1.0, -12)));
  CHECK(std::isinf(kernels::gamma_n(2, 0.5)));
}

TEST_CASE("rows are sampled evenly and deterministically, all of them when few") {
  CHECK(kernels::sample_rows(3, 256) == std::vector<std::uint64_t>{0, 1, 2});
  // 10 of 1000: floor(i * 1000 / 10) = 0, 100, ..., 900.
  const auto rows = kernels::sample_rows(1000, 10);
  CHECK(rows == std::vector<std::uint64_t>{0, 100, 200, 300, 400, 500, 600, 700, 800, 900});
}

TEST_CASE("error metrics: max abs, max rel over non-zero references, rmse, non-finite apart") {
  kernels::ErrorMetrics e;
  e.add(2.0, 2.5);    // abs 0.5, rel 0.25
  e.add(-4.0, -3.0);  // abs 1, rel 0.25
  e.add(0.0, 0.5);    // abs 0.5, no rel
  e.add(1.0, NAN);
  CHECK(e.count == 3);
  CHECK(e.nonfinite == 1);
  CHECK(e.max_abs == 1.0);
  CHECK(e.max_rel == 0.25);
  CHECK(e.rmse() == Approx(std::sqrt((0.25 + 1 + 0.25) / 3)));
  CHECK(e.reference_rms() == Approx(std::sqrt((4 + 16 + 0) / 3.0)));
}

TEST_CASE("a bf16 GEMM accumulated in fp32 passes with every element inside gamma_k sum|a||b|") {
  const kernels::GemmParams p = params(40, 72, 300, DType::bf16);
  const kernels::CheckResult r = kernels::check_gemm(p, computed(p));
  CHECK(r.performed);
  CHECK(r.passed);
  CHECK(r.compared == 40 * 72);
  CHECK(r.max_abs_error > 0);  // fp32 accumulation of 300 products does round
  CHECK(r.extra["worst_error_to_bound"].get<double>() < 1.0);
  CHECK(r.extra["sampled"] == false);
}

TEST_CASE("one wrong element fails the check and is reported with its place and bound") {
  const kernels::GemmParams p = params(40, 72, 300, DType::fp16);
  isa::Program program = computed(p);
  isa::TensorDecl& c = *const_cast<isa::TensorDecl*>(program.find_tensor("c"));
  const std::uint64_t n_pad = c.shape[1];  // 80
  const double old = numeric::load_element(DType::fp32, c.data.data(), 7 * n_pad + 9);
  numeric::store_element(DType::fp32, c.data.data(), 7 * n_pad + 9, old + 0.01);
  const kernels::CheckResult r = kernels::check_gemm(p, program);
  CHECK_FALSE(r.passed);
  CHECK(r.extra["failures"] == 1);
  CHECK(r.extra["first_failure"]["row"] == 7);
  CHECK(r.extra["first_failure"]["col"] == 9);
  CHECK(r.max_abs_error == Approx(0.01).epsilon(1e-3));
}

TEST_CASE("int8 with int32 output passes only when exact") {
  kernels::GemmParams p = params(33, 40, 100, DType::int8);
  p.distribution = isa::TensorInit::Kind::uniform;
  p.dist_a = -128;
  p.dist_b = 128;
  isa::Program program = computed(p);
  CHECK(kernels::check_gemm(p, program).passed);
  isa::TensorDecl& c = *const_cast<isa::TensorDecl*>(program.find_tensor("c"));
  const std::int64_t v = std::int64_t(numeric::load_element(DType::int32, c.data.data(), 0));
  numeric::store_element(DType::int32, c.data.data(), 0, double(v + 1));
  const kernels::CheckResult r = kernels::check_gemm(p, program);
  CHECK_FALSE(r.passed);
  CHECK(r.max_abs_error == 1.0);
}

TEST_CASE("a bf16 output's bound adds the output rounding u_out (|c| + accumulation bound)") {
  kernels::GemmParams p = params(16, 16, 64, DType::bf16);
  p.out_dtype = DType::bf16;
  // S = 64, c = 10: fp32 part gamma_64 S + 64 * 2^-149, then 2^-8 (10 + that) + 2^-134.
  const double gamma = kernels::gamma_n(64, std::ldexp(1.0, -24));
  const double acc = gamma * 64 + 64 * std::ldexp(1.0, -149);
  CHECK(kernels::gemm_error_bound(p, 10.0, 64.0) ==
        acc + std::ldexp(1.0, -8) * (10 + acc) + std::ldexp(1.0, -134));
  const isa::Program program = computed(p);
  CHECK(kernels::check_gemm(p, program).passed);
}

TEST_CASE("a timing-only program is not checked") {
  const kernels::GemmParams p = params(16, 16, 16, DType::bf16);
  kernels::GemmKernel kernel(p);
  const isa::Program program = kernel.build(chip_910b2(), false);
  CHECK_FALSE(kernel.check(program).performed);
}
